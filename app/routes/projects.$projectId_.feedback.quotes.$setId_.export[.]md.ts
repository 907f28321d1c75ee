import type { LoaderFunctionArgs } from "@remix-run/node";
import { quoteFileResponse } from "~/api/endpoints/research-quotes.server";
import { db } from "~/db.server";
import { quoteSetMarkdown } from "~/modules/research/quotes-export.server";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";

/** The quote set as a Markdown file (text escaped, no HTML) download, for project members who read feedback. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  try {
    return quoteFileResponse(await quoteSetMarkdown(db, actor, params.setId ?? ""), "md");
  } catch (error) {
    throwAsResourceResponse(error);
  }
}
