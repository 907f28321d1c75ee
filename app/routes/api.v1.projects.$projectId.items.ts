import { apiHandler } from "~/modules/api/define.server";
import { addItemsEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(addItemsEndpoint);
export const action = loader;
