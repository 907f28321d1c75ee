import type { GoldCheck } from "~/modules/review/gold-check";

/**
 * After a reviewer submits a training (onboarding) item: the right answer beside theirs for each
 * question, whether they matched, and why the right answer is right. Plain text only: the
 * explanation is a manager's words, shown as written.
 */
export function GoldFeedback({ feedback }: { feedback: GoldCheck & { explanation: string | null } }) {
  const verdict = feedback.correct === null ? "Not scored" : feedback.correct ? "Right" : "Not quite";
  return (
    <section aria-labelledby="gold-feedback-title" className="rounded-lg border border-indigo-200 bg-indigo-50 p-4 text-sm shadow-sm">
      <h2 id="gold-feedback-title" className="font-semibold text-indigo-950">
        Training item: {verdict}
      </h2>
      <dl className="mt-3 space-y-3">
        {feedback.questions.map((q) => (
          <div key={q.key}>
            <dt className="font-medium text-slate-900">{q.text}</dt>
            <dd className="mt-1 text-slate-700">
              <p>Right answer: {q.expected}</p>
              <p>Your answer: {q.given}</p>
              <p className={q.scored ? (q.correct ? "font-medium text-emerald-800" : "font-medium text-red-800") : "text-slate-600"}>
                {q.scored ? (q.correct ? "Matched" : "Did not match") : `Not scored: ${q.reason}`}
              </p>
            </dd>
          </div>
        ))}
      </dl>
      <div className="mt-3 border-t border-indigo-200 pt-3">
        <h3 className="font-medium text-slate-900">Why</h3>
        <p className="mt-1 whitespace-pre-wrap text-slate-700">{feedback.explanation || "No explanation was given for this item."}</p>
      </div>
    </section>
  );
}
