import type { ReviewerProgress } from "~/modules/review/reviewer-progress.server";

const count = (n: number) => n.toLocaleString("en");
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));

/**
 * "Item 38 of up to 1,241 for you · 1,204 of 5,000 done (24%)": where the reviewer is in their
 * share of the queue and how far the project has come. "Up to", because items others are holding
 * may be finished before the reviewer reaches them.
 */
export function ReviewerProgressLine({ progress, holding }: { progress: ReviewerProgress; holding: boolean }) {
  const { answered, left, leftCapped, project } = progress;
  const mine = holding
    ? `Item ${count(answered + 1)} of up to ${count(answered + 1 + left)}${leftCapped ? "+" : ""} for you`
    : `${count(answered)} answered · ${count(left)}${leftCapped ? "+" : ""} left for you`;
  return (
    <div className="mt-0.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
      <span data-testid="reviewer-progress">{mine}</span>
      {project.total > 0 ? (
        <span className="flex items-center gap-2">
          <span
            role="progressbar"
            aria-label="Project items done"
            aria-valuemin={0}
            aria-valuemax={project.total}
            aria-valuenow={project.done}
            aria-valuetext={`${count(project.done)} of ${count(project.total)} items done`}
            className="inline-flex h-1.5 w-24 overflow-hidden rounded-full bg-slate-200"
          >
            <span className="h-full bg-emerald-500" style={{ width: `${percent(project.done, project.total)}%` }} />
          </span>
          <span>
            {count(project.done)} of {count(project.total)} done ({percent(project.done, project.total)}%)
          </span>
        </span>
      ) : null}
    </div>
  );
}
