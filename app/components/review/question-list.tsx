import type { ReactNode } from "react";
import { kindOf } from "~/modules/questions";
import { responseName } from "~/modules/questions/labels";
import type { Question } from "~/modules/templates/schemas";
import type { MarkedSuggestion, WidgetProps } from "./widget-props";
import { widgets } from "./widgets";

export type QuestionListProps = {
  questions: Question[];
  values: Record<string, unknown>;
  onChange: (key: string, value: unknown) => void;
  outputs: { text: string; model?: string }[];
  /** Left-to-right output indexes, for pairwise questions and span targets. */
  order: number[];
  suggestions?: Record<string, MarkedSuggestion>;
  errors?: Record<string, string>;
  disabled?: boolean;
};

/** Every question of a template as labelled, accessible controls (the review screen and the editor's preview). */
export function QuestionList({ questions, values, onChange, outputs, order, suggestions, errors, disabled }: QuestionListProps) {
  return (
    <div className="space-y-5">
      {questions.map((question, index) => (
        <QuestionShell
          key={question.key}
          index={index}
          question={question}
          error={errors?.[question.key]}
          suggestion={suggestions?.[question.key]}
          order={order}
          about={outputs.length > 1 && aboutFirstOutput.has(question.kind) ? responseName(Math.max(0, order.indexOf(0))) : null}
          onAccept={() => onChange(question.key, suggestions?.[question.key]?.value)}
          disabled={disabled}
        >
          {(describedBy) => (
            <Widget
              question={question}
              value={values[question.key]}
              onChange={(value) => onChange(question.key, value)}
              outputs={outputs}
              order={order}
              disabled={disabled}
              describedBy={describedBy}
            />
          )}
        </QuestionShell>
      ))}
    </div>
  );
}

/**
 * Kinds whose answer is about one output: on an item with several, the first output as imported
 * (what datasets pair the answer with). The reviewer is told which response that is on their screen.
 */
const aboutFirstOutput = new Set<Question["kind"]>(["rating", "thumbs", "choice", "flags", "correction"]);

function Widget(props: WidgetProps) {
  const { Component } = widgets[props.question.kind];
  return <Component {...(props as WidgetProps<never>)} />;
}

function QuestionShell({
  question,
  index,
  error,
  suggestion,
  order,
  about,
  onAccept,
  disabled,
  children,
}: {
  question: Question;
  index: number;
  error?: string;
  suggestion?: MarkedSuggestion;
  order: number[];
  /** "Response B": the output this question is about, on an item with several; null otherwise. */
  about: string | null;
  onAccept: () => void;
  disabled?: boolean;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const base = `q-${question.key}`;
  const describedBy = [question.help ? `${base}-help` : null, error ? `${base}-error` : null, suggestion ? `${base}-suggestion` : null]
    .filter(Boolean)
    .join(" ") || undefined;
  const heading = (
    <>
      <span className="text-slate-900">{question.text}</span>
      {about ? <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-800">about {about}</span> : null}
      {question.required ? (
        <span className="ml-1 text-red-600" aria-hidden="true">
          *
        </span>
      ) : null}
      {question.required ? <span className="sr-only"> (required)</span> : null}
    </>
  );
  const extras = (
    <>
      {question.help ? (
        <p id={`${base}-help`} className="mb-2 text-xs text-slate-500">
          {question.help}
        </p>
      ) : null}
      {suggestion ? <SuggestionMark id={`${base}-suggestion`} question={question} suggestion={suggestion} order={order} onAccept={onAccept} disabled={disabled} /> : null}
    </>
  );
  const errorLine = error ? (
    <p id={`${base}-error`} role="alert" className="mt-1 text-sm text-red-600">
      {error}
    </p>
  ) : null;
  const frame = `rounded-lg border p-4 focus-within:ring-2 focus-within:ring-indigo-500 focus-within:ring-offset-1 ${error ? "border-red-300 bg-red-50/40" : suggestion?.state === "pending" ? "border-amber-300 bg-amber-50/40" : "border-slate-200 bg-white"}`;

  if (widgets[question.kind].grouped) {
    return (
      <fieldset data-question-key={question.key} data-kind={question.kind} data-index={index} className={frame} aria-describedby={describedBy}>
        <legend className="px-1 text-sm font-medium">{heading}</legend>
        {extras}
        {children(describedBy)}
        {errorLine}
      </fieldset>
    );
  }
  return (
    <div data-question-key={question.key} data-kind={question.kind} data-index={index} className={frame}>
      <label htmlFor={`${base}-input`} className="mb-1 block text-sm font-medium">
        {heading}
      </label>
      {extras}
      {children(describedBy)}
      {errorLine}
    </div>
  );
}

/** The answer a suggestion gives, in the words the screen uses (pairwise by the reviewer's left-to-right letters). */
function suggestedAnswer(question: Question, value: unknown, order: number[]): string {
  if (question.kind === "pairwise") {
    const winner = (value as { winner?: unknown } | null)?.winner;
    return winner === "tie" ? "Tie" : responseName(Math.max(0, order.indexOf(Number(winner))));
  }
  return kindOf(question).describeAnswer(question, value);
}

/**
 * Where a pre-filled answer came from, and where the reviewer stands with it: still as suggested
 * (accept it), accepted, or answered otherwise (what it said, and a way back to it). The judge's
 * rationale is untrusted text, shown on request as plain text.
 */
function SuggestionMark({ id, question, suggestion, order, onAccept, disabled }: { id: string; question: Question; suggestion: MarkedSuggestion; order: number[]; onAccept: () => void; disabled?: boolean }) {
  const confidence = suggestion.confidence !== null ? ` (${Math.round(suggestion.confidence * 100)}% confident)` : "";
  const button = "underline hover:text-amber-950 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600";
  return (
    <div id={id} data-suggestion-state={suggestion.state} className="mb-2 text-xs text-amber-900">
      <p className="flex flex-wrap items-center gap-2">
        {suggestion.state === "accepted" ? (
          <span className="rounded bg-emerald-100 px-1.5 py-0.5 font-medium text-emerald-900">
            Accepted suggestion by {suggestion.source}
            {confidence}
          </span>
        ) : (
          <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium">
            Suggested by {suggestion.source}
            {confidence}
          </span>
        )}
        {suggestion.state === "different" ? <span>It suggested: {suggestedAnswer(question, suggestion.value, order)}</span> : null}
        {suggestion.state !== "accepted" ? (
          <button type="button" onClick={onAccept} disabled={disabled} className={button}>
            {suggestion.state === "pending" ? "Accept" : "Use"} suggestion for “{question.text}”
          </button>
        ) : null}
      </p>
      {suggestion.rationale ? (
        <details className="mt-1">
          <summary className="cursor-pointer select-none">Why did {suggestion.source} suggest this?</summary>
          <p className="mt-1 whitespace-pre-wrap rounded bg-amber-50 p-2 text-slate-800">{suggestion.rationale}</p>
        </details>
      ) : null}
    </div>
  );
}
