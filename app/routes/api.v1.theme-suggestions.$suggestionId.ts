import { apiHandler } from "~/api/define.server";
import { decideThemeSuggestionEndpoint } from "~/api/endpoints/research-insight.server";

export const loader = apiHandler(decideThemeSuggestionEndpoint);
export const action = loader;
