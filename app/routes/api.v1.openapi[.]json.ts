import { apiHandler } from "~/api/define.server";
import { getOpenApi } from "~/api/endpoints/openapi.server";

export const loader = apiHandler(getOpenApi);
export const action = loader;
