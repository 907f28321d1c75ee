import { apiHandler } from "~/api/define.server";
import { editEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(editEndpoint);
export const action = loader;
