import type { LoaderFunctionArgs } from "@remix-run/node";
import { quoteFileResponse } from "~/api/endpoints/research-quotes.server";
import { db } from "~/db.server";
import { quoteSetCsv } from "~/modules/research/quotes-export.server";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";

/** The quote set as a formula-safe CSV download, for project members who read feedback. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  try {
    return quoteFileResponse(await quoteSetCsv(db, actor, params.setId ?? ""), "csv");
  } catch (error) {
    throwAsResourceResponse(error);
  }
}
