import { apiHandler } from "~/api/define.server";
import { createProviderEndpoint, listProvidersEndpoint } from "~/api/endpoints/llm-providers.server";

export const loader = apiHandler(listProvidersEndpoint, createProviderEndpoint);
export const action = loader;
