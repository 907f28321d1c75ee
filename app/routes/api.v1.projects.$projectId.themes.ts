import { apiHandler } from "~/api/define.server";
import { createThemeEndpoint, listThemesEndpoint } from "~/api/endpoints/research-themes.server";

export const loader = apiHandler(listThemesEndpoint, createThemeEndpoint);
export const action = loader;
