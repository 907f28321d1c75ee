import { apiHandler } from "~/modules/api/define.server";
import { createProjectEndpoint, listProjectsEndpoint } from "~/modules/api/endpoints/foundation.server";

export const loader = apiHandler(listProjectsEndpoint, createProjectEndpoint);
export const action = loader;
