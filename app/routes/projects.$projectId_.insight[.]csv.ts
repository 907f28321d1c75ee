import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { computeMetrics } from "~/modules/insight/compute-metrics.server";
import { metricsQuerySchema } from "~/modules/insight/schemas";
import { reportTables, tableIds, type TableId } from "~/modules/insight/tables";
import { csvLine } from "~/utils/csv";
import { ValidationError } from "~/utils/errors";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";
import { issuesOf } from "~/utils/validation";

/** One Dashboards table as CSV (`?table=` one of tableIds, and the metrics API's query), formula-safe through csvLine. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  try {
    const search = Object.fromEntries(new URL(request.url).searchParams);
    const { table: id, ...rest } = search;
    if (!tableIds.includes(id as TableId)) throw new ValidationError(`Expected table to be one of: ${tableIds.join(", ")}.`, [{ field: "table", message: "Unknown table." }]);
    const parsed = metricsQuerySchema.safeParse(rest);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
    }
    const report = await computeMetrics(db, actor, params.projectId ?? "", parsed.data);
    const table = reportTables(report).find((t) => t.id === id);
    if (!table) throw new ValidationError(`The ${id} table needs ${id === "timeline" ? "an interval" : "a segment field"}.`, [{ field: "table", message: "Not in this report." }]);
    const body = csvLine(table.columns.map((c) => c.label)) + table.rows.map((r) => csvLine(r)).join("");
    return new Response(body, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="insight-${id}.csv"`, "cache-control": "no-store" },
    });
  } catch (error) {
    throwAsResourceResponse(error);
  }
}
