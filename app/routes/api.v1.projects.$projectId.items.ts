import { apiHandler } from "~/api/define.server";
import { addItemsEndpoint, listItemsEndpoint } from "~/api/endpoints/items.server";

export const loader = apiHandler(listItemsEndpoint, addItemsEndpoint);
export const action = loader;
