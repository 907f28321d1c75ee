import { apiHandler } from "~/api/define.server";
import { exportQuoteSetEndpoint } from "~/api/endpoints/research-quotes.server";

export const loader = apiHandler(exportQuoteSetEndpoint);
export const action = loader;
