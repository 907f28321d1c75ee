import { apiHandler } from "~/api/define.server";
import { cancelLlmRunEndpoint } from "~/api/endpoints/llm-runs.server";

export const loader = apiHandler(cancelLlmRunEndpoint);
export const action = loader;
