import { apiHandler } from "~/api/define.server";
import { themeTrendsEndpoint } from "~/api/endpoints/research-insight.server";

export const loader = apiHandler(themeTrendsEndpoint);
export const action = loader;
