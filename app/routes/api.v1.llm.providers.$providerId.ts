import { apiHandler } from "~/api/define.server";
import { deleteProviderEndpoint, getProviderEndpoint, updateProviderEndpoint } from "~/api/endpoints/llm-providers.server";

export const loader = apiHandler(getProviderEndpoint, updateProviderEndpoint, deleteProviderEndpoint);
export const action = loader;
