import { apiHandler } from "~/modules/api/define.server";
import { patchProjectEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(patchProjectEndpoint);
export const action = loader;
