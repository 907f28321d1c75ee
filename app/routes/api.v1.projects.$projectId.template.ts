import { apiHandler } from "~/api/define.server";
import { getTemplateEndpoint, putTemplateEndpoint } from "~/api/endpoints/review.server";

export const loader = apiHandler(getTemplateEndpoint, putTemplateEndpoint);
export const action = loader;
