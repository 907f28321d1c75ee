import { apiHandler } from "~/modules/api/define.server";
import { createDatasetEndpoint, listDatasetsEndpoint } from "~/modules/api/endpoints/datasets.server";

export const loader = apiHandler(listDatasetsEndpoint, createDatasetEndpoint);
export const action = loader;
