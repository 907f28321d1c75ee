import { apiHandler } from "~/api/define.server";
import { patchProjectEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(patchProjectEndpoint);
export const action = loader;
