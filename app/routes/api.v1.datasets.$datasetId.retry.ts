import { apiHandler } from "~/api/define.server";
import { retryDatasetEndpoint } from "~/api/endpoints/datasets.server";

export const loader = apiHandler(retryDatasetEndpoint);
export const action = loader;
