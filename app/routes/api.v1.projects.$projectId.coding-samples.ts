import { apiHandler } from "~/api/define.server";
import { createCodingSampleEndpoint, listCodingSamplesEndpoint } from "~/api/endpoints/research-insight.server";

export const loader = apiHandler(listCodingSamplesEndpoint, createCodingSampleEndpoint);
export const action = loader;
