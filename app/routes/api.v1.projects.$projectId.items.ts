import { apiHandler } from "~/modules/api/define.server";
import { addItemsEndpoint, listItemsEndpoint } from "~/modules/api/endpoints/items.server";

export const loader = apiHandler(listItemsEndpoint, addItemsEndpoint);
export const action = loader;
