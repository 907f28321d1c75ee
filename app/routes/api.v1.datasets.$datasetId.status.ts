import { apiHandler } from "~/api/define.server";
import { datasetStatusEndpoint } from "~/api/endpoints/datasets.server";

export const loader = apiHandler(datasetStatusEndpoint);
export const action = loader;
