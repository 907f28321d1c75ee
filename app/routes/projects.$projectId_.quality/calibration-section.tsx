import { Section } from "~/components/page-header";
import type { CalibrationReport, JudgeCalibration, QuestionCalibration, ReviewerCalibration } from "~/modules/calibration/report";
import type { ConfusionMatrix } from "~/modules/stats/classification";
import type { Estimate } from "~/modules/stats/estimate";

const num = (e: Estimate | null, percent = false) => {
  if (!e || e.value === null) return "—";
  const f = (x: number) => (percent ? `${(x * 100).toFixed(1)}%` : x.toFixed(2));
  return e.interval ? `${f(e.value)} (${f(e.interval.low)} to ${f(e.interval.high)})` : f(e.value);
};
const why = (e: Estimate | null) => (e ? (e.reason ?? e.intervalReason ?? null) : null);

const judgeName = (j: JudgeCalibration) => `${j.model} · ${j.prompt ?? "deleted prompt version"}`;

/**
 * The Quality page's "Judge calibration": per question, each judge and each reviewer against
 * the consensus (reviewers against the others'), the verdict in words with its numbers, and
 * each judge's confusion matrix as a table.
 */
export function CalibrationSection({ report }: { report: CalibrationReport }) {
  const judged = report.questions.filter((q) => q.judges.length);
  return (
    <Section
      title="Judge calibration"
      description="How far to trust each LLM judge: its answers set against the people's consensus on resolved items, beside each reviewer set against the consensus of the other reviewers on the same items. Intervals are 95%."
    >
      {judged.length === 0 ? (
        <p className="text-sm text-slate-600">No LLM judge has answered a question of this project yet. Run a judge on items that already have a consensus to see how far to trust it.</p>
      ) : (
        judged.map((q) => <QuestionCalibrationView key={q.key} q={q} />)
      )}
      {report.questions
        .filter((q) => q.figure === null)
        .map((q) => (
          <p key={q.key} className="mt-2 text-sm text-slate-600">
            {q.text} ({q.key}): {q.reason}
          </p>
        ))}
    </Section>
  );
}

function QuestionCalibrationView({ q }: { q: QuestionCalibration }) {
  const scored = q.figure === "mae";
  const rows: { who: string; role: "Judge" | "Reviewer"; f: JudgeCalibration | ReviewerCalibration; verdict?: JudgeCalibration["verdict"] }[] = [
    ...q.judges.map((j) => ({ who: judgeName(j), role: "Judge" as const, f: j, verdict: j.verdict })),
    ...q.reviewers.map((r) => ({ who: r.reviewer, role: "Reviewer" as const, f: r })),
  ];
  const notes = rows.flatMap((r) => [why(scored ? r.f.mae : r.f.kappa)].filter(Boolean).map((n) => `${r.who}: ${n}`));
  return (
    <div className="mb-8" data-calibration-question={q.key}>
      <h3 className="mb-1 font-medium text-slate-900">
        {q.text} ({q.key})
      </h3>
      <p className="mb-2 text-sm text-slate-600">
        {q.judgedItems} of {q.resolvedItems} resolved items answered by a judge. A verdict needs at least {q.minItems} items, and counts reviewers with at least as many.
      </p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="mb-1 text-left font-medium text-slate-800">Judges and reviewers against the consensus: {q.text}</caption>
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th scope="col" className="py-1 pr-4 font-medium">Who</th>
              <th scope="col" className="py-1 pr-4 font-medium">Items</th>
              <th scope="col" className="py-1 pr-4 font-medium">{scored ? "Within half a point" : "Agreement"}</th>
              {scored ? (
                <>
                  <th scope="col" className="py-1 pr-4 font-medium">Mean absolute error</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Spearman&apos;s ρ</th>
                </>
              ) : (
                <th scope="col" className="py-1 pr-4 font-medium">Cohen&apos;s κ</th>
              )}
              <th scope="col" className="py-1 font-medium">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.role}:${r.who}`} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-1 pr-4 text-left font-normal">
                  <span className="mr-1 rounded bg-slate-100 px-1 text-xs text-slate-600">{r.role}</span> {r.who}
                </th>
                <td className="py-1 pr-4 tabular-nums">{r.f.items}</td>
                <td className="py-1 pr-4 tabular-nums">{num(r.f.agreement, true)}</td>
                {scored ? (
                  <>
                    <td className="py-1 pr-4 tabular-nums">{num(r.f.mae)}</td>
                    <td className="py-1 pr-4 tabular-nums">{num(r.f.spearman)}</td>
                  </>
                ) : (
                  <td className="py-1 pr-4 tabular-nums">{num(r.f.kappa)}</td>
                )}
                <td className="py-1">
                  {r.verdict ? (
                    <>
                      <strong className="font-medium">{r.verdict.text}</strong>
                      <span className="block text-xs text-slate-600">{r.verdict.detail}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {notes.length ? (
        <ul className="mt-1 list-inside list-disc text-xs text-slate-600">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      {q.judges.map((j) => (
        <div key={judgeName(j)} className="mt-3">
          {j.confusion ? <ConfusionTable caption={`Confusion matrix: ${judgeName(j)} (rows: consensus, columns: judge)`} m={j.confusion} /> : null}
          {j.optionConfusion?.map((o) => (
            <ConfusionTable key={o.option} caption={`Option “${o.option}”: ${judgeName(j)} (rows: consensus, columns: judge)`} m={o.matrix} />
          ))}
          {j.position ? (
            <p className="mt-1 text-sm text-slate-700">
              Position check ({judgeName(j)}): {j.position.swappedItems} item(s) judged with A and B swapped; winner changed on {num(j.position.flips, true)}
              {why(j.position.flips) ? ` — ${why(j.position.flips)}` : ""}. Chose the left-hand response in {num(j.position.left, true)} of sided answers
              {j.position.left.favours ? `: favours the ${j.position.left.favours}` : ""}.
            </p>
          ) : null}
        </div>
      ))}
    </div>
  );
}

function ConfusionTable({ caption, m }: { caption: string; m: ConfusionMatrix }) {
  return (
    <div className="mb-2 overflow-x-auto">
      <table className="text-sm">
        <caption className="mb-1 text-left text-slate-800">{caption}</caption>
        <thead>
          <tr className="text-slate-600">
            <td />
            {m.labels.map((l) => (
              <th key={l} scope="col" className="px-2 py-1 font-medium">
                Judge: {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {m.labels.map((row, r) => (
            <tr key={row} className="border-t border-slate-100">
              <th scope="row" className="px-2 py-1 text-left font-medium text-slate-600">
                Consensus: {row}
              </th>
              {m.counts[r]!.map((count, c) => (
                <td key={m.labels[c]} className={`px-2 py-1 text-center tabular-nums ${r === c ? "bg-emerald-50 font-medium" : ""}`}>
                  {count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
