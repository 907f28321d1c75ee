import { apiHandler } from "~/api/define.server";
import { createIngestKeyEndpoint, listIngestKeysEndpoint } from "~/api/endpoints/feedback-ingest.server";

export const loader = apiHandler(listIngestKeysEndpoint, createIngestKeyEndpoint);
export const action = loader;
