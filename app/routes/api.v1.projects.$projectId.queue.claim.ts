import { apiHandler } from "~/modules/api/define.server";
import { claimEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(claimEndpoint);
export const action = loader;
