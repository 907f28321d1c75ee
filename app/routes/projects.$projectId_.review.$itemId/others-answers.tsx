import { DateTime } from "~/components/date-time";

/** Other reviewers' submitted answers; only roles that may read all annotations get these. */
export function OthersAnswers({ others }: { others: { userName: string; values: unknown; submittedAt: Date | string | null }[] }) {
  return (
    <section aria-labelledby="others-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="others-title" className="mb-2 text-sm font-semibold text-slate-800">
        Other reviewers’ answers
      </h2>
      {others.length === 0 ? (
        <p className="text-sm text-slate-500">No one else has answered yet.</p>
      ) : (
        <ul className="space-y-3">
          {others.map((other, i) => (
            <li key={i} className="text-sm">
              <p className="font-medium">
                {other.userName}
                {other.submittedAt ? (
                  <span className="ml-2 text-xs font-normal text-slate-500">
                    <DateTime value={other.submittedAt} withTime />
                  </span>
                ) : null}
              </p>
              <pre className="mt-1 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs">{JSON.stringify(other.values, null, 2)}</pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
