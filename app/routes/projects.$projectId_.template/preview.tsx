import { useState } from "react";
import { QuestionList } from "~/components/review/question-list";
import { questionSchema, type Question } from "~/modules/templates/schemas";
import type { Draft } from "./drafts";

// A made-up item, so rating, pairwise, correction and span questions have something to work on.
const sample = {
  input: "What is the capital of Australia?",
  outputs: [{ text: "The capital of Australia is Canberra." }, { text: "Sydney is the capital of Australia, and its largest city." }],
};
const order = [0, 1];

/** The questions as reviewers will see them, answerable, updated as the manager edits. */
export function TemplatePreview({ questions }: { questions: Draft[] }) {
  const [values, setValues] = useState<Record<string, unknown>>({});
  const ready: Question[] = [];
  const incomplete: number[] = [];
  questions.forEach((draft, index) => {
    const parsed = questionSchema.safeParse(draft);
    // why: keys name the answers, so a second question with a taken key has nowhere to put one.
    if (parsed.success && !ready.some((q) => q.key === parsed.data.key)) ready.push(parsed.data);
    else incomplete.push(index + 1);
  });
  return (
    <section aria-labelledby="preview-heading" className="min-w-0 lg:sticky lg:top-4 lg:self-start">
      <h2 id="preview-heading" className="text-lg font-semibold">
        Preview
      </h2>
      <p className="text-sm text-slate-600">What reviewers see, on a sample item. Answers here are not saved.</p>
      <div className="mt-3 space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3">
        <div className="text-sm">
          <p className="font-medium text-slate-700">Input</p>
          <p className="text-slate-900">{sample.input}</p>
        </div>
        {sample.outputs.map((output, index) => (
          <div key={output.text} className="text-sm">
            <p className="font-medium text-slate-700">Output {index + 1}</p>
            <p className="text-slate-900">{output.text}</p>
          </div>
        ))}
        {incomplete.length ? (
          <p className="text-sm text-amber-800">
            Not shown until complete: {incomplete.map((n) => `question ${n}`).join(", ")}.
          </p>
        ) : null}
        {ready.length ? (
          <QuestionList
            questions={ready}
            values={values}
            onChange={(key, value) => setValues((current) => ({ ...current, [key]: value }))}
            outputs={sample.outputs}
            order={order}
          />
        ) : (
          <p className="text-sm text-slate-600">No questions to show yet.</p>
        )}
      </div>
    </section>
  );
}
