import { apiHandler } from "~/modules/api/define.server";
import { getOpenApi } from "~/modules/api/endpoints/openapi.server";

export const loader = apiHandler(getOpenApi);
export const action = loader;
