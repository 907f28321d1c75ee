import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PageHeader, Section } from "~/components/page-header";
import { db } from "~/db.server";
import { ChartFigure } from "~/components/chart-figure";
import { reportCharts } from "~/modules/insight/charts.server";
import { computeMetrics } from "~/modules/insight/compute-metrics.server";
import { apiSearch, pageQuery } from "~/modules/insight/schemas";
import { reportTables, type CellValue, type Column, type Table } from "~/modules/insight/tables";
import { getProject } from "~/modules/projects/queries.server";
import { pageLoader } from "~/utils/route.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Dashboards · ${data.project.name} · Loupe` : "Dashboards · Loupe" }];

export const loader = pageLoader(async ({ request, params, actor }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const { query, form, error } = pageQuery(new URL(request.url).searchParams);
  const report = await computeMetrics(db, actor, project.id, query);
  return { project, form, error, search: apiSearch(query), tables: reportTables(report), charts: reportCharts(report), notes: report.notes };
});

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

function shown(value: CellValue, column: Column): string {
  if (value === null) return "—";
  if (typeof value === "string") return value;
  if (column.format === "int") return value.toLocaleString("en");
  if (column.format === "share") return `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

const sections: { title: string; ids: string[]; charts: string | null }[] = [
  { title: "By group", ids: ["groups", "figures", "distributions"], charts: "figure:" },
  { title: "Pairwise", ids: ["head-to-head", "leaderboard", "position-bias"], charts: "leaderboard:" },
  { title: "Over time", ids: ["timeline"], charts: "timeline:" },
  { title: "Segments", ids: ["segments"], charts: null },
];

/** One table of numbers, accessible (caption, column and row headers), with its CSV download. */
export function NumbersTable({ table, csvHref }: { table: Table; csvHref: string }) {
  return (
    <div className="mb-6" data-table={table.id}>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="mb-1 text-left font-medium text-slate-800">{table.caption}</caption>
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              {table.columns.map((c) => (
                <th key={c.label} scope="col" className="py-1 pr-4 font-medium">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.length === 0 ? (
              <tr>
                <td colSpan={table.columns.length} className="py-2 text-slate-600">
                  No rows.
                </td>
              </tr>
            ) : (
              table.rows.map((row, i) => (
                <tr key={i} className="border-b border-slate-100">
                  {row.map((cell, j) =>
                    j === 0 ? (
                      <th key={j} scope="row" className="py-1 pr-4 text-left font-normal">
                        {shown(cell, table.columns[j]!)}
                      </th>
                    ) : (
                      <td key={j} className={`py-1 pr-4 ${table.columns[j]!.format === "text" ? "text-slate-700" : "tabular-nums"}`}>
                        {shown(cell, table.columns[j]!)}
                      </td>
                    ),
                  )}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {table.note ? <p className="mt-1 text-sm text-slate-600">{table.note}</p> : null}
      <a href={csvHref} className="mt-1 inline-block text-sm text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700" download>
        Download “{table.caption}” as CSV
      </a>
    </div>
  );
}

const input = "mt-1 block w-full rounded-md border-slate-300 text-sm shadow-sm";

export default function InsightPage() {
  const { project, form, error, search, tables, charts, notes } = useLoaderData<typeof loader>();
  const csv = (id: string) => `/projects/${project.id}/insight.csv?table=${id}&${search}`;
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title="Dashboards"
        description={
          <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {project.name}
          </Link>
        }
      />
      <Form method="get" className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-4" aria-label="What to show">
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-groupBy">Group by</label>
          <select id="insight-groupBy" name="groupBy" defaultValue={form.groupBy} className={input}>
            <option value="model">Model</option>
            <option value="promptVersion">Prompt version</option>
            <option value="import">Import (how items came in)</option>
            <option value="metadata">Metadata field…</option>
          </select>
        </div>
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-groupField">Metadata field to group by</label>
          <input id="insight-groupField" name="groupField" defaultValue={form.groupField} className={input} placeholder="e.g. region" />
        </div>
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-segmentField">Segment by metadata field</label>
          <input id="insight-segmentField" name="segmentField" defaultValue={form.segmentField} className={input} placeholder="e.g. language" />
        </div>
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-interval">Over time</label>
          <select id="insight-interval" name="interval" defaultValue={form.interval} className={input}>
            <option value="">No series</option>
            <option value="day">Per day</option>
            <option value="week">Per week</option>
          </select>
        </div>
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-from">Answers from (UTC)</label>
          <input type="date" id="insight-from" name="from" defaultValue={form.from} className={input} />
        </div>
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-to">to (inclusive)</label>
          <input type="date" id="insight-to" name="to" defaultValue={form.to} className={input} />
        </div>
        <div className="text-sm font-medium text-slate-700">
          <label htmlFor="insight-minCount">Fewest answers to compare a segment</label>
          <input type="number" id="insight-minCount" name="minCount" min={1} defaultValue={form.minCount || "30"} className={input} />
        </div>
        <div className="flex items-end">
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700">
            Show
          </button>
        </div>
      </Form>
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {error} Showing the figures by model instead.
        </p>
      ) : null}
      <p className="mt-3 text-sm text-slate-600">
        The same figures as JSON: <code className="break-all">GET /api/v1/projects/{project.id}/metrics?{search}</code>
      </p>
      {sections.map((s) => {
        const shownTables = tables.filter((t) => s.ids.includes(t.id));
        if (!shownTables.length) return null;
        return (
          <Section key={s.title} title={s.title}>
            {s.charts
              ? charts
                  .filter((c) => c.id.startsWith(s.charts!))
                  .map((c) => <ChartFigure key={c.id} chart={c} />)
              : null}
            {shownTables.map((t) => (
              <NumbersTable key={t.id} table={t} csvHref={csv(t.id)} />
            ))}
          </Section>
        );
      })}
      <Section title="How to read these figures">
        <ul className="list-disc pl-5 text-sm text-slate-700">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
          <li>A figure shown as — has no value for these answers; its note says why.</li>
        </ul>
      </Section>
    </div>
  );
}
