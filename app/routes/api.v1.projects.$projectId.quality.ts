import { apiHandler } from "~/api/define.server";
import { getQualityEndpoint } from "~/api/endpoints/quality.server";

export const loader = apiHandler(getQualityEndpoint);
export const action = loader;
