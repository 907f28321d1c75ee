import { apiHandler } from "~/api/define.server";
import { mergeThemeEndpoint } from "~/api/endpoints/research-themes.server";

export const loader = apiHandler(mergeThemeEndpoint);
export const action = loader;
