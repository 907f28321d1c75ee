import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import type { DatasetStatus } from "~/modules/datasets/queries.server";

// why: small snapshots are built in about a second; the page should show them without a long wait.
const POLL_MS = 500;

/**
 * A snapshot that is not built yet: a progress bar (items written of the items chosen) that
 * follows the build without a reload — the page's loader is read again every half second while it
 * is queued or building, and shows the card once it is ready — or why the build failed, with Retry.
 */
export function BuildStatus({ status, formError, canRetry }: { status: DatasetStatus; formError?: string; canRetry: boolean }) {
  const { revalidate, state } = useRevalidator();
  const active = status.state === "queued" || status.state === "building";
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (state === "idle") revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidate, state]);

  if (status.state === "failed") {
    return (
      <div className="space-y-3">
        <Alert tone="error">
          <p className="font-medium">The build of this snapshot failed; it has nothing to export.</p>
          {status.message ? <p className="mt-1 break-words">{status.message}</p> : null}
        </Alert>
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        {canRetry ? (
          <PostForm>
            <Button>Retry the build</Button>
          </PostForm>
        ) : null}
      </div>
    );
  }
  const { done, total } = status.progress;
  const percent = total ? Math.floor((100 * done) / total) : total === 0 ? 100 : undefined;
  const text =
    status.state === "queued"
      ? "Waiting for a worker to start the build…"
      : total === null
        ? "Choosing the items…"
        : `Building: ${done.toLocaleString("en")} of ${total.toLocaleString("en")} items written`;
  return (
    <div>
      <div
        role="progressbar"
        aria-label={`Building ${status.name} v${status.version}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-indigo-500 transition-[width]" style={{ width: `${percent ?? 3}%` }} />
      </div>
      <p className="mt-2 text-sm tabular-nums text-slate-700" role="status">
        {text}
      </p>
      <p className="mt-1 text-xs text-slate-500">The snapshot appears whole when its build finishes; until then it cannot be downloaded. You can leave this page.</p>
    </div>
  );
}
