import { apiHandler } from "~/api/define.server";
import { getFeedbackSettingsEndpoint, saveFeedbackSettingsEndpoint } from "~/api/endpoints/feedback-ingest.server";

export const loader = apiHandler(getFeedbackSettingsEndpoint, saveFeedbackSettingsEndpoint);
export const action = loader;
