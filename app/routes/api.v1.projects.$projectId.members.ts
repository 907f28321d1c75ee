import { apiHandler } from "~/api/define.server";
import { addMemberEndpoint } from "~/api/endpoints/foundation.server";

export const loader = apiHandler(addMemberEndpoint);
export const action = loader;
