import { apiHandler } from "~/api/define.server";
import { listPromptsEndpoint, savePromptEndpoint } from "~/api/endpoints/prompts.server";

export const loader = apiHandler(listPromptsEndpoint, savePromptEndpoint);
export const action = loader;
