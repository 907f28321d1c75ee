import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { PageHeader, Section } from "~/components/page-header";
import { db } from "~/db.server";
import { instanceHealth } from "~/modules/ops/health.server";
import { formatBytes } from "~/utils/format-bytes";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Health · Loupe" }];

export const loader = pageLoader(async ({ actor }) => ({ health: await instanceHealth(db, actor) }));

const count = (n: number) => n.toLocaleString("en");
const cell = "px-3 py-2 text-left";
const head = `${cell} text-xs font-semibold uppercase tracking-wide text-slate-500`;

/** The instance at a glance for admins: database, queues, jobs, imports and this app copy. */
export default function Health() {
  const { health } = useLoaderData<typeof loader>();
  const backlog = health.jobs.filter((j) => j.state === "created" || j.state === "retry").reduce((sum, j) => sum + j.count, 0);
  const failed = health.jobs.filter((j) => j.state === "failed").reduce((sum, j) => sum + j.count, 0);
  const byQueue = [...new Set(health.jobs.map((j) => j.queue))].map((queue) => ({
    queue,
    states: Object.fromEntries(health.jobs.filter((j) => j.queue === queue).map((j) => [j.state, j.count])) as Record<string, number>,
  }));
  return (
    <div className="space-y-8">
      <PageHeader title="Health" description="This instance's database, review queues, background jobs and imports. Prometheus reads the same figures at /metrics (with LOUPE_METRICS_TOKEN)." />
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Figure label="Database round trip" value={`${health.databaseMs.toFixed(1)} ms`} />
        <Figure label="Items waiting for review" value={count(health.queue.open)} />
        <Figure label="Leases held now" value={count(health.queue.liveLeases)} />
        <Figure label="Expired leases not yet reclaimed" value={count(health.queue.expiredLeases)} />
        <Figure label="Job backlog" value={count(backlog)} />
        <Figure label="Failed jobs" value={count(failed)} warn={failed > 0} />
        <Figure label="Imports running" value={count(health.imports.running)} />
        <Figure label="Failed imports" value={count(health.imports.failed)} warn={health.imports.failed > 0} />
      </dl>

      <Section title="Background jobs" description="pg-boss jobs by queue and state. Created and retry are waiting; failed ones are listed below.">
        {byQueue.length === 0 ? (
          <p className="text-sm text-slate-600">No job has run yet.</p>
        ) : (
          <table className="w-full text-sm">
            <caption className="sr-only">Jobs by queue and state</caption>
            <thead>
              <tr>
                <th scope="col" className={head}>Queue</th>
                {["created", "retry", "active", "completed", "cancelled", "failed"].map((state) => (
                  <th key={state} scope="col" className={`${head} text-right`}>
                    {state}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {byQueue.map(({ queue, states }) => (
                <tr key={queue}>
                  <th scope="row" className={`${cell} font-mono text-xs font-medium`}>
                    {queue}
                  </th>
                  {["created", "retry", "active", "completed", "cancelled", "failed"].map((state) => (
                    <td key={state} className={`${cell} text-right tabular-nums`}>
                      {count(states[state] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Latest failures" description="The ten newest failed jobs and failed imports, with what they said.">
        {health.failedJobs.length === 0 && health.failedImports.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing has failed.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {health.failedImports.map((i) => (
              <li key={i.id} className="py-2">
                <span className="font-medium">Import</span> into{" "}
                <Link to={`/projects/${i.projectId}/import`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                  {i.projectName}
                </Link>
                {i.failedAt ? (
                  <>
                    {" "}
                    · <DateTime value={i.failedAt} />
                  </>
                ) : null}
                <p className="mt-0.5 break-words text-slate-600">{i.message || "No message."}</p>
              </li>
            ))}
            {health.failedJobs.map((j) => (
              <li key={j.id} className="py-2">
                <span className="font-mono text-xs font-medium">{j.queue}</span> job {j.id.slice(0, 8)}
                {j.failedAt ? (
                  <>
                    {" "}
                    · <DateTime value={j.failedAt} />
                  </>
                ) : null}
                <p className="mt-0.5 break-words text-slate-600">{j.message || "No message."}</p>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Database and this app copy" description="Connections count every app copy on this database; the process figures are this copy's.">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
          <Pair label="Migrations applied" value={count(health.migrations)} />
          {health.connections.map((c) => (
            <Pair key={c.state} label={`Connections ${c.state}`} value={count(c.count)} />
          ))}
          <Pair label="Import rows read" value={count(health.imports.rowsRead)} />
          <Pair label="Items imported" value={count(health.imports.rowsInserted)} />
          <Pair label="Uptime" value={`${Math.floor(health.process.uptimeSeconds / 3600)} h ${Math.floor((health.process.uptimeSeconds % 3600) / 60)} min`} />
          <Pair label="Memory (resident)" value={formatBytes(health.process.rssBytes)} />
          <Pair label="Node.js" value={health.process.node} />
          <Pair label="Process id" value={String(health.process.pid)} />
        </dl>
      </Section>
    </div>
  );
}

function Figure({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <div className={`rounded-md border px-3 py-2 ${warn ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white"}`}>
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

function Pair({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}
