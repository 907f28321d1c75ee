import { apiHandler } from "~/api/define.server";
import { createLlmRunEndpoint, listLlmRunsEndpoint } from "~/api/endpoints/llm-runs.server";

export const loader = apiHandler(listLlmRunsEndpoint, createLlmRunEndpoint);
export const action = loader;
