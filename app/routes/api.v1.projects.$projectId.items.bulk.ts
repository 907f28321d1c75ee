import { apiHandler } from "~/api/define.server";
import { bulkItemsEndpoint } from "~/api/endpoints/items.server";

export const loader = apiHandler(bulkItemsEndpoint);
export const action = loader;
