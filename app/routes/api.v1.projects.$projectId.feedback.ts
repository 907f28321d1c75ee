import { apiHandler } from "~/api/define.server";
import { listFeedbackEndpoint } from "~/api/endpoints/research.server";

export const loader = apiHandler(listFeedbackEndpoint);
export const action = loader;
