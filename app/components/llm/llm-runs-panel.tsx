import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CsrfInput } from "~/components/ui/csrf-input";
import { Field } from "~/components/ui/field";
import { SelectField } from "~/components/ui/select-field";
import { clock } from "~/modules/imports/progress";
import { formatUsd } from "~/modules/llm/cost";
import type { RunWithFailures } from "~/modules/llm-runs/queries.server";

const POLL_MS = 1000;

export type RunChoices = {
  providers: { id: string; name: string; models: { id: string }[] }[];
  prompts: { id: string; name: string; version: number; purpose: "generate" | "judge" }[];
};
type Reply = { notice?: string; formError?: string; fieldErrors?: Record<string, string> };

/**
 * The project's generation and judge runs: a form to start one (a model the instance's providers
 * offer, a prompt version, which items, a budget), and per run a progress bar (done, failed, rate,
 * time left, spend so far) that follows the run while the page is open, its failures with the
 * provider's error, "Retry failed" and "Cancel".
 */
export function LlmRunsPanel({ projectId, runs, choices, canStart }: { projectId: string; runs: RunWithFailures[]; choices: RunChoices; canStart: boolean }) {
  const poll = useFetcher<{ runs: RunWithFailures[] }>();
  const act = useFetcher<Reply>();
  const shown = poll.data?.runs ?? runs;
  const active = shown.some((r) => r.state === "queued" || r.state === "running");
  const url = `/projects/${projectId}/llm-runs`;
  const { load } = poll;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => load(url), POLL_MS);
    return () => clearInterval(timer);
  }, [active, load, url]);
  // why: a run just started, cancelled or retried changes the list; read it at once.
  useEffect(() => {
    if (act.state === "idle" && act.data?.notice) load(url);
  }, [act.state, act.data, load, url]);

  return (
    <div className="space-y-4">
      {canStart ? <StartForm url={url} choices={choices} fetcher={act} /> : null}
      {act.data?.notice ? <Alert tone="success">{act.data.notice}</Alert> : null}
      {act.data?.formError ? <Alert tone="error">{act.data.formError}</Alert> : null}
      {shown.length === 0 ? (
        <p className="text-sm text-slate-600">No runs yet.</p>
      ) : (
        <ol className="space-y-3" aria-label="LLM runs">
          {shown.map((run) => (
            <RunCard key={run.id} run={run} url={url} fetcher={act} />
          ))}
        </ol>
      )}
    </div>
  );
}

function StartForm({ url, choices, fetcher }: { url: string; choices: RunChoices; fetcher: ReturnType<typeof useFetcher<Reply>> }) {
  const [filter, setFilter] = useState("all");
  const errors = fetcher.data?.fieldErrors ?? {};
  const models = choices.providers.flatMap((p) => p.models.map((m) => ({ value: `${p.id}|${m.id}`, label: `${m.id} (${p.name})` })));
  const prompts = choices.prompts.map((p) => ({ value: p.id, label: `${p.name} v${p.version} — ${p.purpose === "judge" ? "judge" : "generation"}` }));
  if (!models.length || !prompts.length) {
    return (
      <p className="text-sm text-slate-600">
        {!models.length ? "No LLM provider is set up yet: an instance admin adds one. " : "Save a prompt for this project first: "}
        <Link to={`${url.replace(/\/llm-runs$/, "")}/prompts`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
          Prompts
        </Link>
      </p>
    );
  }
  return (
    <>
    <p className="mb-2 text-sm">
      <Link to={`${url.replace(/\/llm-runs$/, "")}/prompts`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
        Prompts
      </Link>{" "}
      <span className="text-slate-600">— write and preview generation and judge prompts.</span>
    </p>
    <fetcher.Form method="post" action={url} className="grid gap-3 sm:grid-cols-2" aria-label="Start a run">
      <CsrfInput />
      <input type="hidden" name="intent" value="start" />
      <SelectField label="Model" name="model" options={models} error={errors.model ?? errors.providerId} />
      <SelectField label="Prompt" name="promptVersionId" options={prompts} error={errors.promptVersionId} hint="A generation prompt adds outputs; a judge prompt adds suggestions." />
      <SelectField
        label="Items"
        name="filter"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        options={[
          { value: "all", label: "All items" },
          { value: "unreviewed", label: "Items nobody has answered" },
          { value: "metadata", label: "A metadata field's value" },
          { value: "ids", label: "Item ids" },
        ]}
        error={errors.filter}
      />
      {filter === "metadata" || filter === "ids" ? (
        <Field label={filter === "ids" ? "Item ids" : "Field=value"} name="filterValue" placeholder={filter === "ids" ? "12, 13, 14" : "segment=enterprise"} error={errors.filterValue} />
      ) : null}
      <Field label="Budget (US dollars)" name="budgetUsd" inputMode="decimal" placeholder="no cap" error={errors.budgetUsd} hint="The run stops once its estimated spend reaches this." />
      <div className="flex items-end">
        <Button disabled={fetcher.state !== "idle"}>Start run</Button>
      </div>
    </fetcher.Form>
    </>
  );
}

const stateLabels = { queued: "Queued", running: "Running", done: "Done", failed: "Stopped", cancelled: "Cancelled" } as const;

function RunCard({ run, url, fetcher }: { run: RunWithFailures; url: string; fetcher: ReturnType<typeof useFetcher<Reply>> }) {
  const name = `${run.kind === "judge" ? "Judge" : "Generation"} run with ${run.model}`;
  const { total, done, failed } = run.counts;
  const finished = done + failed;
  const percent = total ? Math.floor((finished / total) * 100) : 0;
  const spend = `${formatUsd(run.costUsd)}${run.costComplete ? "" : "+"} spent${run.budgetUsd !== null ? ` of ${formatUsd(run.budgetUsd)}` : ""}`;
  const facts = [
    `${done.toLocaleString("en")} done`,
    `${failed.toLocaleString("en")} failed`,
    `of ${total.toLocaleString("en")}`,
    run.itemsPerSecond !== null ? `${run.itemsPerSecond.toFixed(1)} items/s` : null,
    run.secondsLeft !== null && run.secondsLeft > 0 ? `${clock(run.secondsLeft)} left` : null,
    spend,
  ]
    .filter(Boolean)
    .join(" · ");
  const active = run.state === "queued" || run.state === "running";
  return (
    <li aria-label={name} className="rounded-md border border-slate-200 p-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="min-w-0 break-words font-medium text-slate-900">
          {name} · {run.promptVersion.name} v{run.promptVersion.version}
        </span>
        <span className="text-xs font-medium text-slate-600">{stateLabels[run.state]}</span>
      </div>
      <div
        role="progressbar"
        aria-label={`Progress of the ${name.toLowerCase()}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={facts}
        className="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full transition-[width] ${failed ? "bg-amber-500" : "bg-indigo-500"}`} style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-xs tabular-nums text-slate-600">{facts}</p>
      {run.message ? <p className="mt-1 break-words text-sm text-red-700">{run.message}</p> : null}
      {run.failures.length ? (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-slate-700">Failures ({failed.toLocaleString("en")})</summary>
          <ol aria-label={`Failures of the ${name.toLowerCase()}`} className="mt-1 space-y-1">
            {run.failures.map((f) => (
              <li key={f.itemId} className="break-words text-slate-700">
                Item {f.itemId}: {f.error}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      <div className="mt-2 flex gap-2">
        {active ? <RunButton url={url} runId={run.id} intent="cancel" label="Cancel" fetcher={fetcher} /> : null}
        {!active && (failed > 0 || finished < total) ? <RunButton url={url} runId={run.id} intent="retry" label="Retry failed" fetcher={fetcher} /> : null}
      </div>
    </li>
  );
}

function RunButton({ url, runId, intent, label, fetcher }: { url: string; runId: string; intent: string; label: string; fetcher: ReturnType<typeof useFetcher<Reply>> }) {
  return (
    <fetcher.Form method="post" action={url}>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="runId" value={runId} />
      <Button variant={intent === "cancel" ? "danger" : "secondary"} disabled={fetcher.state !== "idle"}>
        {label}
      </Button>
    </fetcher.Form>
  );
}
