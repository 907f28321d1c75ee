import { apiHandler } from "~/api/define.server";
import { deleteQuoteSetEndpoint, getQuoteSetEndpoint, updateQuoteSetEndpoint } from "~/api/endpoints/research.server";

export const loader = apiHandler(getQuoteSetEndpoint, updateQuoteSetEndpoint, deleteQuoteSetEndpoint);
export const action = loader;
