import { apiHandler } from "~/modules/api/define.server";
import { editEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(editEndpoint);
export const action = loader;
