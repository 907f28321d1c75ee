import { apiHandler } from "~/modules/api/define.server";
import { getTemplateEndpoint, putTemplateEndpoint } from "~/modules/api/endpoints/review.server";

export const loader = apiHandler(getTemplateEndpoint, putTemplateEndpoint);
export const action = loader;
