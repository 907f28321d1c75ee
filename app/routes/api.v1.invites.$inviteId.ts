import { apiHandler } from "~/api/define.server";
import { revokeInviteEndpoint } from "~/api/endpoints/invites.server";

export const loader = apiHandler(revokeInviteEndpoint);
export const action = loader;
