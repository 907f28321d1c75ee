import { apiHandler } from "~/modules/api/define.server";
import { getDatasetEndpoint } from "~/modules/api/endpoints/datasets.server";

export const loader = apiHandler(getDatasetEndpoint);
export const action = loader;
