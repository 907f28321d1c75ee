import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect } from "react";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { db } from "~/db.server";
import { readBrowseParams, readBulkForm, withCursor } from "~/modules/items/browse-params";
import { browseItems, sampleMetadataKeys } from "~/modules/items/browse-items.server";
import { bulkItems } from "~/modules/items/bulk-items.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ValidationError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
import { BulkPanel } from "./bulk-panel";
import { FilterForm } from "./filter-form";
import { ItemsTable, useSelection } from "./items-table";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Items · ${data.project.name} · Loupe` : "Items · Loupe" }];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const search = new URL(request.url).searchParams;
  const browse = readBrowseParams(search);
  const subject = { isAdmin: actor.isAdmin, role: project.role };
  const [metaKeys, template] = await Promise.all([sampleMetadataKeys(db, project.id), getTemplate(db, project.id)]);
  let page: Awaited<ReturnType<typeof browseItems>> | null = null;
  let error: string | null = null;
  try {
    page = await browseItems(db, actor, project.id, { ...browse, count: true });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    error = e.message;
  }
  return {
    project,
    page,
    error,
    browse,
    metaKeys,
    questions: template?.questions ?? [],
    mayManage: can(subject, "items.manage"),
    mayExport: can(subject, "datasets.export"),
  };
});

/** Bulk actions: on the checked items, or on every item the page's filter (sent as `search`) matches. */
export const action = formAction(async ({ actor, params, form }) => {
  const projectId = params.projectId ?? "";
  const questions = form.text("intent") === "gold" ? ((await getTemplate(db, projectId))?.questions ?? []) : [];
  return { done: await bulkItems(db, actor, projectId, readBulkForm(form, questions)) };
});

export default function ItemsPage() {
  const { project, page, error, browse, metaKeys, questions, mayManage, mayExport } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const rows = page?.rows ?? [];
  const selection = useSelection(rows.map((r) => r.id));
  const count = page?.count ?? null;
  const { clear } = selection;
  // why: after an action the rows it acted on may be gone or changed; the next action starts afresh.
  useEffect(() => {
    if (result && "done" in result) clear();
  }, [result, clear]);
  return (
    <div className="mx-auto max-w-7xl">
      <PageHeader
        title="Items"
        description={
          <Link to={`/projects/${project.id}`} className="text-indigo-700 hover:underline">
            ← Back to {project.name}
          </Link>
        }
      />
      <FilterForm browse={browse} metaKeys={metaKeys} />
      {error ? (
        <div className="mb-4">
          <Alert tone="error">{error}</Alert>
        </div>
      ) : null}
      {result && "done" in result ? (
        <div className="mb-4">
          <Alert tone="success">{doneMessage(result.done)}</Alert>
        </div>
      ) : result && "formError" in result ? (
        <div className="mb-4">
          <Alert tone="error">
            {result.formError ??
              Object.entries(result.fieldErrors ?? {})
                .map(([field, message]) => `${field}: ${message}`)
                .join(" ")}
          </Alert>
        </div>
      ) : null}
      <p className="mb-2 text-sm text-slate-700" aria-live="polite">
        {count ? `${count.capped ? `${count.n.toLocaleString("en")}+` : count.n.toLocaleString("en")} ${count.n === 1 && !count.capped ? "item matches" : "items match"}` : null}
      </p>
      {mayManage || mayExport ? (
        <BulkPanel selected={[...selection.selected]} matching={count} search={location.search} questions={questions} mayManage={mayManage} mayExport={mayExport} projectId={project.id} />
      ) : null}
      <ItemsTable projectId={project.id} rows={rows} browse={browse} overlap={page?.overlap ?? 1} selection={selection} selectable={mayManage || mayExport} search={location.search} />
      <nav aria-label="Pages" className="mt-4 flex gap-4 text-sm">
        {page?.prevCursor ? (
          <Link to={withCursor(location.search, { before: page.prevCursor })} className="text-indigo-700 hover:underline">
            ← Previous page
          </Link>
        ) : null}
        {page?.nextCursor ? (
          <Link to={withCursor(location.search, { after: page.nextCursor })} className="text-indigo-700 hover:underline">
            Next page →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

function doneMessage(done: { action: string; matched: number; changed: number; skipped: number }) {
  const n = (k: number) => `${k.toLocaleString("en")} item${k === 1 ? "" : "s"}`;
  switch (done.action) {
    case "priority":
      return `Priority set on ${n(done.changed)}.`;
    case "requeue":
      return `${n(done.changed)} sent back to the queue for more answers${done.skipped ? `; ${n(done.skipped)} left as they are (held or gold items)` : ""}.`;
    case "gold":
      return `${n(done.changed)} marked as gold.`;
    default:
      return `${n(done.changed)} deleted.`;
  }
}
