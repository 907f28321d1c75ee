import { apiHandler } from "~/api/define.server";
import { llmRunStatusEndpoint } from "~/api/endpoints/llm-runs.server";

export const loader = apiHandler(llmRunStatusEndpoint);
export const action = loader;
