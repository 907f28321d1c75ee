import { apiHandler } from "~/api/define.server";
import { createProjectEndpoint, listProjectsEndpoint } from "~/api/endpoints/foundation.server";

export const loader = apiHandler(listProjectsEndpoint, createProjectEndpoint);
export const action = loader;
