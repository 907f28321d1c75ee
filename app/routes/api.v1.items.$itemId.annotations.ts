import { apiHandler } from "~/api/define.server";
import { submitEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(submitEndpoint);
export const action = loader;
