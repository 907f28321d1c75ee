import { apiHandler } from "~/api/define.server";
import { listFeedbackEndpoint } from "~/api/endpoints/research-comments.server";

export const loader = apiHandler(listFeedbackEndpoint);
export const action = loader;
