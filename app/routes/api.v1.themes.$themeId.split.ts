import { apiHandler } from "~/api/define.server";
import { splitThemeEndpoint } from "~/api/endpoints/research-themes.server";

export const loader = apiHandler(splitThemeEndpoint);
export const action = loader;
