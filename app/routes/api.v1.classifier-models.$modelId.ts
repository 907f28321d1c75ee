import { apiHandler } from "~/api/define.server";
import { getClassifierModelEndpoint } from "~/api/endpoints/classifier.server";

export const loader = apiHandler(getClassifierModelEndpoint);
