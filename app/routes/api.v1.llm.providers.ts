import { apiHandler } from "~/modules/api/define.server";
import { createProviderEndpoint, listProvidersEndpoint } from "~/modules/api/endpoints/llm-providers.server";

export const loader = apiHandler(listProvidersEndpoint, createProviderEndpoint);
export const action = loader;
