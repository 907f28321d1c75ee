import { apiHandler } from "~/modules/api/define.server";
import { retryDatasetEndpoint } from "~/modules/api/endpoints/datasets.server";

export const loader = apiHandler(retryDatasetEndpoint);
export const action = loader;
