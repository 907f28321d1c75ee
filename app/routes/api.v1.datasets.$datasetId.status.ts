import { apiHandler } from "~/modules/api/define.server";
import { datasetStatusEndpoint } from "~/modules/api/endpoints/datasets.server";

export const loader = apiHandler(datasetStatusEndpoint);
export const action = loader;
