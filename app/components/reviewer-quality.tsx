import type { ReviewerQuality, ReviewersReport } from "~/modules/quality/reviewer-quality";
import type { Estimate } from "~/modules/stats/estimate";

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** A share as "72.7% (95% CI 43.4–90.3%), 8 of 11", or why it is undefined. */
export function shareText(e: Estimate): string {
  if (e.value === null) return e.reason ?? "Undefined.";
  const interval = e.interval ? ` (${Math.round(e.interval.level * 100)}% CI ${pct(e.interval.low)}–${pct(e.interval.high)})` : "";
  return `${pct(e.value)}${interval}${e.basis ? `, ${e.basis}` : ""}`;
}

const onboardingText = (o: ReviewerQuality["onboarding"], items: number) => {
  if (!o) return items > 0 ? "not started" : "no onboarding round";
  const score = `${o.correct} of ${o.answered} right`;
  if (o.state === "open") return `in progress: ${score}`;
  if (o.state === "failed") return `failed: ${score}`;
  return o.letIn ? `let in by a manager (${score})` : `passed: ${score}`;
};

const cell = "py-1 pr-4 align-top";

/** One reviewer's figures: per question accuracy on gold and agreement with consensus, then by week. */
export function ReviewerFigures({ reviewer, report }: { reviewer: ReviewerQuality; report: ReviewersReport }) {
  const name = reviewer.isYou ? `${reviewer.label} (you)` : reviewer.label;
  const unscored = report.questions.filter((q) => q.reason);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        {reviewer.answered} answers ({reviewer.goldAnswered} on gold items) · median time per item:{" "}
        {reviewer.medianSeconds === null ? reviewer.speedReason : `${Math.round(reviewer.medianSeconds)} s`} · onboarding: {onboardingText(reviewer.onboarding, report.onboardingItems)}
      </p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="mb-1 text-left font-medium text-slate-800">{name}: accuracy on gold and agreement with the consensus, per question</caption>
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th scope="col" className={`${cell} font-medium`}>Question</th>
              <th scope="col" className={`${cell} font-medium`}>Accuracy on gold</th>
              <th scope="col" className={`${cell} font-medium`}>Agreement with consensus</th>
            </tr>
          </thead>
          <tbody>
            {reviewer.accuracy.map((a, i) => (
              <tr key={a.question} className="border-b border-slate-100">
                <th scope="row" className={`${cell} text-left font-normal`}>{a.text}</th>
                <td className={`${cell} tabular-nums`}>{shareText(a.estimate)}</td>
                <td className={`${cell} tabular-nums`}>{shareText(reviewer.agreement[i]!.estimate)}</td>
              </tr>
            ))}
            {unscored.map((q) => (
              <tr key={q.key} className="border-b border-slate-100">
                <th scope="row" className={`${cell} text-left font-normal`}>{q.text}</th>
                <td colSpan={2} className={`${cell} text-slate-600`}>{q.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reviewer.weeks.length ? (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="mb-1 text-left font-medium text-slate-800">{name}: by week (all scored questions)</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className={`${cell} font-medium`}>Week of</th>
                <th scope="col" className={`${cell} font-medium`}>Accuracy on gold</th>
                <th scope="col" className={`${cell} font-medium`}>Agreement with consensus</th>
              </tr>
            </thead>
            <tbody>
              {reviewer.weeks.map((w) => (
                <tr key={w.week} className="border-b border-slate-100">
                  <th scope="row" className={`${cell} text-left font-normal tabular-nums`}>{w.week}</th>
                  <td className={`${cell} tabular-nums`}>{shareText(w.accuracy)}</td>
                  <td className={`${cell} tabular-nums`}>{shareText(w.agreement)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-slate-600">No scored answers yet, so there is nothing to show by week.</p>
      )}
    </div>
  );
}
