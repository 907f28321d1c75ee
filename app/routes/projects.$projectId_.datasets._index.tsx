import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { EmptyState } from "~/components/empty-state";
import { LinkButton } from "~/components/link-button";
import { PageHeader } from "~/components/page-header";
import { db } from "~/db.server";
import { listDatasets } from "~/modules/datasets/queries.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Datasets · ${data.project.name} · Loupe` : "Datasets · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  return { project, datasets: await listDatasets(db, actor, project.id), canBuild: can({ isAdmin: actor.isAdmin, role: project.role }, "datasets.manage") };
});

const stateText = (d: { state: string; progress: { done: number; total: number | null } }) =>
  d.state === "building" ? (d.progress.total ? `Building, ${Math.floor((100 * d.progress.done) / d.progress.total)}%` : "Building") : d.state === "queued" ? "Queued" : d.state === "failed" ? "Failed" : "Ready";

export default function Datasets() {
  const { project, datasets, canBuild } = useLoaderData<typeof loader>();
  const build = canBuild ? <LinkButton to={`/projects/${project.id}/datasets/new`}>New dataset</LinkButton> : undefined;
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Datasets"
        description={
          <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {project.name}
          </Link>
        }
        actions={build}
      />
      {datasets.length === 0 ? (
        <EmptyState title="No datasets yet" action={build}>
          A dataset is a frozen snapshot of reviewed items: filtered, deduplicated, redacted and split as you choose, exported the same way every time.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                {["Dataset", "Version", "State", "Items", "Train / validation / test", "Made by", "Made"].map((h) => (
                  <th key={h} scope="col" className="px-4 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {datasets.map((d) => (
                <tr key={d.id} className="border-b border-slate-100">
                  <th scope="row" className="px-4 py-2 text-left font-medium">
                    <Link to={`/projects/${project.id}/datasets/${d.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                      {d.name}
                    </Link>
                  </th>
                  <td className="px-4 py-2 tabular-nums">v{d.version}</td>
                  <td className={`px-4 py-2 ${d.state === "failed" ? "text-red-700" : "text-slate-700"}`}>{stateText(d)}</td>
                  <td className="px-4 py-2 tabular-nums">{d.items.toLocaleString("en")}</td>
                  <td className="px-4 py-2 tabular-nums">
                    {d.train} / {d.validation} / {d.test}
                  </td>
                  <td className="px-4 py-2">{d.createdByName}</td>
                  <td className="px-4 py-2">
                    <DateTime value={d.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
