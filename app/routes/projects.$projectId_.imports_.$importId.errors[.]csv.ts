import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { getImportErrors } from "~/modules/imports/queries.server";
import { csvLine } from "~/utils/csv";
import { NotFoundError } from "~/utils/errors";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An import's rejected rows (the first 1,000) as CSV: line, field, message, formula-safe. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  try {
    if (!UUID.test(params.importId ?? "")) throw new NotFoundError("No such import.");
    const { errors, fileName } = await getImportErrors(db, actor, params.projectId ?? "", params.importId!);
    const body = csvLine(["line", "field", "message"]) + errors.map((e) => csvLine([e.line, e.field, e.message])).join("");
    const name = `${(fileName ?? "import").replace(/[^\w.-]+/g, "_")}-errors.csv`;
    return new Response(body, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
    });
  } catch (error) {
    throwAsResourceResponse(error);
  }
}
