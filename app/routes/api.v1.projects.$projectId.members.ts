import { apiHandler } from "~/modules/api/define.server";
import { addMemberEndpoint } from "~/modules/api/endpoints/foundation.server";

export const loader = apiHandler(addMemberEndpoint);
export const action = loader;
