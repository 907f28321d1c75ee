import { apiHandler } from "~/api/define.server";
import { getDistillationEndpoint } from "~/api/endpoints/distillation.server";

export const loader = apiHandler(getDistillationEndpoint);
