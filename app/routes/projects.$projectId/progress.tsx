import { Section } from "~/components/page-header";

export type Progress = {
  total: number;
  done: number;
  inProgress: number;
  left: number;
  reviewers: { key: string; name: string; isYou: boolean; today: number; total: number }[];
};

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));
const count = (n: number) => n.toLocaleString("en");

/** Items done / in progress / left as a bar and counts, and answers per reviewer. */
export function ProgressSection({ progress, seesEveryone }: { progress: Progress; seesEveryone: boolean }) {
  const { total, done, inProgress, left } = progress;
  return (
    <Section title="Progress" description={summary(progress)}>
      {total > 0 ? (
        <>
          <div
            role="progressbar"
            aria-label="Items done"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
            aria-valuetext={`${count(done)} of ${count(total)} items done`}
            className="flex h-3 w-full overflow-hidden rounded-full bg-slate-200"
          >
            <div className="h-full bg-emerald-500" style={{ width: `${percent(done, total)}%` }} />
            <div className="h-full bg-amber-400" style={{ width: `${percent(inProgress, total)}%` }} />
          </div>
          <dl className="mt-4 grid grid-cols-3 gap-3 text-center sm:max-w-md">
            <Count label="Done" value={done} swatch="bg-emerald-500" />
            <Count label="In progress" value={inProgress} swatch="bg-amber-400" />
            <Count label="Left" value={left} swatch="bg-slate-300" />
          </dl>
        </>
      ) : null}
      <Reviewers reviewers={progress.reviewers} seesEveryone={seesEveryone} />
    </Section>
  );
}

function summary({ total, done, left, inProgress }: Progress): string {
  if (total === 0) return "No items yet. Import a file (Import items), run `loupe import`, or send them to POST /api/v1/projects/:id/items.";
  if (left === 0 && inProgress === 0) return `Every item is done (${count(done)} of ${count(total)}): the queue is empty.`;
  return `${count(done)} of ${count(total)} items done (${percent(done, total)}%).`;
}

function Count({ label, value, swatch }: { label: string; value: number; swatch: string }) {
  return (
    <div className="rounded-md border border-slate-200 px-2 py-2">
      <dt className="flex items-center justify-center gap-1.5 text-xs font-medium text-slate-600">
        <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${swatch}`} />
        {label}
      </dt>
      <dd className="text-xl font-semibold tabular-nums">{count(value)}</dd>
    </div>
  );
}

function Reviewers({ reviewers, seesEveryone }: { reviewers: Progress["reviewers"]; seesEveryone: boolean }) {
  const caption = seesEveryone ? "Annotations per reviewer" : "Your annotations";
  if (reviewers.length === 0) return <p className="mt-4 text-sm text-slate-600">No annotations submitted yet.</p>;
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="mb-2 text-left font-medium text-slate-700">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-1.5 pr-4 font-medium">
              Reviewer
            </th>
            <th scope="col" className="py-1.5 pr-4 text-right font-medium">
              Today
            </th>
            <th scope="col" className="py-1.5 text-right font-medium">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {reviewers.map((r) => (
            <tr key={r.key} className="border-b border-slate-100">
              <th scope="row" className="py-1.5 pr-4 text-left font-normal">
                {r.name}
              </th>
              <td className="py-1.5 pr-4 text-right tabular-nums">{r.today}</td>
              <td className="py-1.5 text-right tabular-nums">{r.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
