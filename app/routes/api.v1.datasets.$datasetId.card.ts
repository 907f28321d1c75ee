import { apiHandler } from "~/api/define.server";
import { getCardEndpoint } from "~/api/endpoints/datasets.server";

export const loader = apiHandler(getCardEndpoint);
export const action = loader;
