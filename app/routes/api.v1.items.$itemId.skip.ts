import { apiHandler } from "~/modules/api/define.server";
import { skipEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(skipEndpoint);
export const action = loader;
