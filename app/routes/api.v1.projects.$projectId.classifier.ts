import { apiHandler } from "~/api/define.server";
import { getClassifierEndpoint, putClassifierSettingsEndpoint } from "~/api/endpoints/classifier.server";

export const loader = apiHandler(getClassifierEndpoint, putClassifierSettingsEndpoint);
export const action = loader;
