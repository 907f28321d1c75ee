import { apiHandler } from "~/api/define.server";
import { claimEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(claimEndpoint);
export const action = loader;
