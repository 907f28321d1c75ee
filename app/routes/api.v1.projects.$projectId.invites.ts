import { apiHandler } from "~/api/define.server";
import { createProjectInviteEndpoint, listProjectInvitesEndpoint } from "~/api/endpoints/invites.server";

export const loader = apiHandler(listProjectInvitesEndpoint, createProjectInviteEndpoint);
export const action = loader;
