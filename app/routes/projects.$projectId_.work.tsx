import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { DateTime } from "~/components/date-time";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";
import { db } from "~/db.server";
import { listMyWork } from "~/modules/review/queries.server";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "My work · Loupe" }];

const pageSchema = z.object({ before: z.iso.datetime().optional(), beforeId: z.uuid().optional() });

export const loader = pageLoader(async ({ actor, request, params }) => {
  const projectId = params.projectId ?? "";
  const page = pageSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const before = page.success && page.data.before && page.data.beforeId ? { updatedAt: new Date(page.data.before), id: page.data.beforeId } : undefined;
  return { projectId, work: await listMyWork(db, actor, projectId, { before, limit: 50 }) };
});

/** Summary of an answer for the list: its first few answered questions. */
function summary(values: unknown): string {
  const entries = Object.entries((values ?? {}) as Record<string, unknown>);
  if (entries.length === 0) return "No answers yet";
  const show = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) ? `${v.length} item${v.length === 1 ? "" : "s"}` : typeof v === "object" && v ? "…" : String(v));
  return entries
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${show(v).slice(0, 40)}`)
    .join(" · ");
}

export default function MyWork() {
  const { projectId, work } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageHeader
        title="My work"
        description="Your answers in this project, most recently changed first. Open one to change it."
        actions={
          <Link to={`/projects/${projectId}/review`} className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
            Review
          </Link>
        }
      />
      {work.rows.length === 0 ? (
        <EmptyState title="Nothing yet">Answers you submit or start appear here.</EmptyState>
      ) : (
        <ul aria-label="Your answers" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
          {work.rows.map((row) => (
            <li key={row.id}>
              <Link to={`/projects/${projectId}/review/${row.itemId}`} className="block px-4 py-3 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600">
                <span className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium text-slate-900">Item #{row.itemId}</span>
                  <span className="text-xs text-slate-500">
                    <span className={`mr-2 rounded px-1.5 py-0.5 font-medium ${row.status === "submitted" ? "bg-emerald-100 text-emerald-800" : "bg-amber-100 text-amber-800"}`}>
                      {row.status === "submitted" ? `Submitted · v${row.version}` : "Draft"}
                    </span>
                    <DateTime value={row.updatedAt} withTime />
                  </span>
                </span>
                <span className="mt-1 block truncate text-sm text-slate-600">{row.preview || "(no prompt)"}</span>
                <span className="mt-0.5 block truncate text-xs text-slate-500">{summary(row.values)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {work.next ? (
        <p className="mt-4">
          <Link
            to={`?before=${encodeURIComponent(new Date(work.next.updatedAt).toISOString())}&beforeId=${work.next.id}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older answers
          </Link>
        </p>
      ) : null}
    </div>
  );
}
