// why: a folder route, because a file named `….test.ts` would be taken for a Vitest file.
import { apiHandler } from "~/api/define.server";
import { testProviderEndpoint } from "~/api/endpoints/llm-providers.server";

export const loader = apiHandler(testProviderEndpoint);
export const action = loader;
