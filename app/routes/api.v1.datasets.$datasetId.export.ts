import { apiHandler } from "~/api/define.server";
import { exportDatasetEndpoint } from "~/api/endpoints/datasets.server";

// why: the endpoint answers with a streamed Response; server/remix-bridge.ts keeps its backpressure.
export const loader = apiHandler(exportDatasetEndpoint);
export const action = loader;
