import { apiHandler } from "~/api/define.server";
import { listThemeSuggestionsEndpoint, requestThemeSuggestionsEndpoint } from "~/api/endpoints/research-insight.server";

export const loader = apiHandler(listThemeSuggestionsEndpoint, requestThemeSuggestionsEndpoint);
export const action = loader;
