import { apiHandler } from "~/api/define.server";
import { createDatasetEndpoint, listDatasetsEndpoint } from "~/api/endpoints/datasets.server";

export const loader = apiHandler(listDatasetsEndpoint, createDatasetEndpoint);
export const action = loader;
