import { apiHandler } from "~/api/define.server";
import { createInstanceInviteEndpoint, listInstanceInvitesEndpoint } from "~/api/endpoints/invites.server";

export const loader = apiHandler(listInstanceInvitesEndpoint, createInstanceInviteEndpoint);
export const action = loader;
