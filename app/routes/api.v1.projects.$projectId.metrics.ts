import { apiHandler } from "~/api/define.server";
import { getMetricsEndpoint } from "~/api/endpoints/metrics.server";

export const loader = apiHandler(getMetricsEndpoint);
export const action = loader;
