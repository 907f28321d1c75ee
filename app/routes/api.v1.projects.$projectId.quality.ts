import { apiHandler } from "~/modules/api/define.server";
import { getQualityEndpoint } from "~/modules/api/endpoints/quality.server";

export const loader = apiHandler(getQualityEndpoint);
export const action = loader;
