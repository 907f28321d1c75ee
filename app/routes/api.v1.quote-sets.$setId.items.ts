import { apiHandler } from "~/api/define.server";
import { addQuoteEndpoint, removeQuoteEndpoint, reorderQuotesEndpoint } from "~/api/endpoints/research-quotes.server";

export const loader = apiHandler(addQuoteEndpoint, reorderQuotesEndpoint, removeQuoteEndpoint);
export const action = loader;
