import { apiHandler } from "~/api/define.server";
import { createQuoteSetEndpoint, listQuoteSetsEndpoint } from "~/api/endpoints/research-quotes.server";

export const loader = apiHandler(listQuoteSetsEndpoint, createQuoteSetEndpoint);
export const action = loader;
