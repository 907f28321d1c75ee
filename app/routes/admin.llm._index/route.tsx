import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { EmptyState } from "~/components/empty-state";
import { LinkButton } from "~/components/link-button";
import { PageHeader } from "~/components/page-header";
import { db } from "~/db.server";
import { formatUsd } from "~/modules/llm/cost";
import { listProviders } from "~/modules/llm/queries.server";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "LLM providers · Loupe" }];

export const loader = pageLoader(async ({ actor }) => ({ providers: await listProviders(db, actor) }));

const keyLabel = { stored: "Key stored", env: "Key from the environment", none: "No key" } as const;

export default function LlmProviders() {
  const { providers } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageHeader
        title="LLM providers"
        description="OpenAI-compatible endpoints that generation and judge jobs call. Keys are write-only."
        actions={<LinkButton to="/admin/llm/new">Add provider</LinkButton>}
      />
      {providers.length === 0 ? (
        <EmptyState title="No providers yet">
          Add one to generate outputs or run an LLM judge. Without an API key, run <code>npm run llm:stub</code> and point a provider at it.
        </EmptyState>
      ) : (
        <ul aria-label="LLM providers" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
          {providers.map((p) => (
            <li key={p.id} className="flex flex-col gap-2 p-4 sm:flex-row sm:items-start sm:justify-between">
              <div className="min-w-0 text-sm">
                <p className="flex flex-wrap items-center gap-2 font-medium">
                  <Link to={`/admin/llm/${p.id}`} className="break-words text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                    {p.name}
                  </Link>
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${p.enabled ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>
                    {p.enabled ? "Enabled" : "Disabled"}
                  </span>
                </p>
                <p className="mt-1 break-all text-slate-600">{p.baseUrl}</p>
                <p className="mt-1 text-slate-500">
                  {p.keySource === "env" ? `${keyLabel.env} (${p.apiKeyEnv})` : keyLabel[p.keySource]} · {p.models.length} model{p.models.length === 1 ? "" : "s"}:{" "}
                  {p.models.map((m) => `${m.id} (${formatUsd(m.inputPricePerMillion)} / ${formatUsd(m.outputPricePerMillion)} per 1M)`).join(", ")}
                </p>
                <p className="mt-1 text-slate-500">
                  Changed <DateTime value={p.updatedAt} />
                </p>
              </div>
              <Link
                to={`/admin/llm/${p.id}`}
                className="inline-flex items-center justify-center rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
              >
                Edit<span className="sr-only"> {p.name}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
