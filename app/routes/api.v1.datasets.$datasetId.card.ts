import { apiHandler } from "~/modules/api/define.server";
import { getCardEndpoint } from "~/modules/api/endpoints/datasets.server";

export const loader = apiHandler(getCardEndpoint);
export const action = loader;
