import { apiHandler } from "~/api/define.server";
import { retryLlmRunEndpoint } from "~/api/endpoints/llm-runs.server";

export const loader = apiHandler(retryLlmRunEndpoint);
export const action = loader;
