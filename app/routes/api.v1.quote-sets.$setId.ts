import { apiHandler } from "~/api/define.server";
import { deleteQuoteSetEndpoint, getQuoteSetEndpoint, updateQuoteSetEndpoint } from "~/api/endpoints/research-quotes.server";

export const loader = apiHandler(getQuoteSetEndpoint, updateQuoteSetEndpoint, deleteQuoteSetEndpoint);
export const action = loader;
