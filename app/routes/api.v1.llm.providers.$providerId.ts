import { apiHandler } from "~/modules/api/define.server";
import { deleteProviderEndpoint, getProviderEndpoint, updateProviderEndpoint } from "~/modules/api/endpoints/llm-providers.server";

export const loader = apiHandler(getProviderEndpoint, updateProviderEndpoint, deleteProviderEndpoint);
export const action = loader;
