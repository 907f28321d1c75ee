import { feedbackRoute } from "~/api/endpoints/feedback-ingest.server";

// why: OPTIONS (the CORS preflight) reaches a resource route's loader; the route answers it itself.
export const loader = feedbackRoute;
export const action = feedbackRoute;
