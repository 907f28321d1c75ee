import { apiHandler } from "~/api/define.server";
import { revokeIngestKeyEndpoint, updateIngestKeyEndpoint } from "~/api/endpoints/feedback-ingest.server";

export const loader = apiHandler(updateIngestKeyEndpoint, revokeIngestKeyEndpoint);
export const action = loader;
