import { apiHandler } from "~/api/define.server";
import { deleteFeedbackByUserEndpoint } from "~/api/endpoints/feedback-ingest.server";

export const loader = apiHandler(deleteFeedbackByUserEndpoint);
export const action = loader;
