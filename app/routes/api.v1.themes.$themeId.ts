import { apiHandler } from "~/api/define.server";
import { deleteThemeEndpoint, updateThemeEndpoint } from "~/api/endpoints/research-themes.server";

export const loader = apiHandler(updateThemeEndpoint, deleteThemeEndpoint);
export const action = loader;
