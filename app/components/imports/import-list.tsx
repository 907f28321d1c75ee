import { useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { clock, progressFigures, summaryText, type ImportView } from "~/modules/imports/progress";
import { formatBytes } from "~/utils/format-bytes";

const POLL_MS = 1000;

/**
 * The project's latest imports: a progress bar (bytes and rows, rate, time left) while one
 * runs, then its summary. The state lives in the database, so a reload shows the same; while
 * any import is queued or running the list refreshes itself every second, and `onSettled` is
 * called when one it showed running has ended (what else the page shows may have changed).
 */
export function ImportList({ projectId, imports, onSettled }: { projectId: string; imports: ImportView[]; onSettled?: () => void }) {
  const fetcher = useFetcher<{ imports: ImportView[] }>();
  const shown = fetcher.data?.imports ?? imports;
  const running = shown.filter((i) => i.state === "queued" || i.state === "running").map((i) => i.id);
  const active = running.length > 0;
  const { load } = fetcher;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => load(`/projects/${projectId}/imports.json`), POLL_MS);
    return () => clearInterval(timer);
  }, [active, load, projectId]);
  const wasRunning = useRef(running);
  useEffect(() => {
    const settled = wasRunning.current.some((id) => !running.includes(id));
    wasRunning.current = running;
    if (settled) onSettled?.();
  });
  if (shown.length === 0) return <p className="text-sm text-slate-600">No imports yet.</p>;
  return (
    <ol className="space-y-3">
      {shown.map((i) => (
        <li key={i.id} aria-label={`Import of ${i.fileName ?? "items"}`} className="rounded-md border border-slate-200 p-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
            <span className="min-w-0 break-all font-medium text-slate-900">{i.fileName ?? "items"}</span>
            <span className="text-xs text-slate-500">
              {i.origin === "cli" ? "command line" : i.origin === "api" ? "API" : "upload"}
              {i.by ? ` · ${i.by}` : ""} · {new Date(i.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC
            </span>
          </div>
          <ImportState view={i} projectId={projectId} />
        </li>
      ))}
    </ol>
  );
}

function ImportState({ view, projectId }: { view: ImportView; projectId: string }) {
  const errorsLink =
    view.rejected > 0 ? (
      <a href={`/projects/${projectId}/imports/${view.id}/errors.csv`} className="ml-1 text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700" download>
        Download the {view.rejected > 1000 ? "first 1,000" : ""} rejected rows (CSV)
      </a>
    ) : null;
  if (view.state === "queued") return <p className="mt-1 text-sm text-slate-600">Waiting to start…</p>;
  if (view.state === "running") return <Running view={view} />;
  const tone = view.state === "failed" ? "text-red-700" : "text-slate-700";
  return (
    <div className="mt-1 text-sm">
      <p className={tone} role={view.state === "failed" ? "alert" : undefined}>
        {view.state === "failed" ? "Failed. " : "Done. "}
        {summaryText(view)}.{errorsLink}
      </p>
      {view.message ? <p className="mt-1 break-words text-slate-600">{view.message}</p> : null}
    </div>
  );
}

function Running({ view }: { view: ImportView }) {
  const { share, rowsPerSecond, secondsLeft } = progressFigures(view);
  const percent = share === undefined ? undefined : Math.floor(share * 100);
  const text = [
    view.totalBytes ? `${formatBytes(view.bytesRead)} of ${formatBytes(view.totalBytes)}` : formatBytes(view.bytesRead),
    `${view.received.toLocaleString("en")} rows`,
    `${Math.round(rowsPerSecond).toLocaleString("en")} rows/s`,
    secondsLeft === undefined ? null : `${clock(secondsLeft)} left`,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <div className="mt-2">
      <div
        role="progressbar"
        aria-label={`Importing ${view.fileName ?? "items"}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-indigo-500 transition-[width]" style={{ width: `${percent ?? 5}%` }} />
      </div>
      <p className="mt-1 text-xs tabular-nums text-slate-600">
        Importing: {text}
        {view.rejected ? ` · ${view.rejected.toLocaleString("en")} rejected so far` : ""}
      </p>
    </div>
  );
}
