import { apiHandler } from "~/modules/api/define.server";
import { submitEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(submitEndpoint);
export const action = loader;
