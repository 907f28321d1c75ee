import { apiHandler } from "~/api/define.server";
import { codingSampleEndpoint } from "~/api/endpoints/research-insight.server";

export const loader = apiHandler(codingSampleEndpoint);
export const action = loader;
