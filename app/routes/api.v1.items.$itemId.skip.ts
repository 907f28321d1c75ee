import { apiHandler } from "~/api/define.server";
import { skipEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(skipEndpoint);
export const action = loader;
