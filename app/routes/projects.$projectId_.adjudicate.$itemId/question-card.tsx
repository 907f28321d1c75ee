import { Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { describeAnswer } from "~/modules/resolution/final-answer-form";
import type { Question } from "~/modules/templates/schemas";
import type { FormErrors } from "~/utils/http.server";
import { FinalAnswerField } from "./final-answer-field";

type Resolution = { status: string; value: unknown; method: string; agreement: number | null; annotation_count: number; adjudicated_by_name: string | null };
type Result = FormErrors & { notice?: string };

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);

/** One question: every reviewer's answer side by side, the current final answer, and the manager's choices. */
export function QuestionCard({
  question,
  outputs,
  answers,
  resolution,
  result,
}: {
  question: Question;
  outputs: { text: string }[];
  answers: { id: string; reviewer: string; value: unknown }[];
  resolution: Resolution | null;
  result: Result | null;
}) {
  const adjudicated = resolution?.method === "adjudicated";
  return (
    <Section
      title={`${question.text} (${question.key})`}
      description={
        resolution ? (
          <span>
            Final answer: <strong className="font-medium text-slate-900">{resolution.status === "resolved" ? describeAnswer(question, resolution.value) : "unresolved"}</strong> ·{" "}
            {adjudicated ? `adjudicated by ${resolution.adjudicated_by_name ?? "a manager"}` : resolution.method} · agreement {pct(resolution.agreement)} of{" "}
            {resolution.annotation_count} answers
          </span>
        ) : (
          "No answers to this question yet."
        )
      }
    >
      {result?.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      {Object.entries(result?.fieldErrors ?? {})
        .filter(([field]) => field !== "value")
        .map(([field, message]) => (
          <Alert key={field} tone="error">
            {message}
          </Alert>
        ))}
      <table className="min-w-full text-sm">
        <caption className="sr-only">Reviewers' answers to {question.text}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-1 pr-4 font-medium">Reviewer</th>
            <th scope="col" className="py-1 pr-4 font-medium">Answer</th>
            <th scope="col" className="py-1 font-medium"><span className="sr-only">Choose</span></th>
          </tr>
        </thead>
        <tbody>
          {answers.map((a) => (
            <tr key={a.id} className="border-b border-slate-100 align-top">
              <th scope="row" className="py-2 pr-4 text-left font-medium">{a.reviewer}</th>
              <td className="whitespace-pre-wrap break-words py-2 pr-4">{describeAnswer(question, a.value)}</td>
              <td className="py-2">
                {a.value !== undefined && a.value !== null ? (
                  <PostForm>
                    <input type="hidden" name="intent" value="pick" />
                    <input type="hidden" name="questionKey" value={question.key} />
                    <input type="hidden" name="annotationId" value={a.id} />
                    <Button variant="secondary">
                      Use {a.reviewer}'s answer<span className="sr-only"> for {question.key}</span>
                    </Button>
                  </PostForm>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <PostForm className="mt-4 rounded-md bg-slate-50 p-3">
        <input type="hidden" name="intent" value="write" />
        <input type="hidden" name="questionKey" value={question.key} />
        <FinalAnswerField question={question} outputs={outputs} error={result?.fieldErrors?.value} />
        <Button className="mt-2">Save final answer<span className="sr-only"> for {question.key}</span></Button>
      </PostForm>
      {adjudicated ? (
        <PostForm className="mt-2">
          <input type="hidden" name="intent" value="clear" />
          <input type="hidden" name="questionKey" value={question.key} />
          <Button variant="danger">Clear adjudication<span className="sr-only"> for {question.key}</span></Button>
        </PostForm>
      ) : null}
    </Section>
  );
}
