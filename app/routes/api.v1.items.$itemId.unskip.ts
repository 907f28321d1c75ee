import { apiHandler } from "~/api/define.server";
import { unskipEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(unskipEndpoint);
export const action = loader;
