import { apiHandler } from "~/api/define.server";
import { getDatasetEndpoint } from "~/api/endpoints/datasets.server";

export const loader = apiHandler(getDatasetEndpoint);
export const action = loader;
