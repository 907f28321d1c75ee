import { useState, type ReactNode } from "react";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { SelectField } from "~/components/ui/select-field";
import { TextareaField } from "~/components/ui/textarea-field";
import { questionKinds, type QuestionKind } from "~/modules/templates/schemas";
import { asNumber, asText, isKind, kindLabels, optionLines, plainLines, setField, type Draft } from "./drafts";

type Edit = (next: Draft) => void;
/** The message for a field of this question (`key`, `options`, …), including those of its parts (`options.1.value`). */
export type ErrorFor = (field: string) => string | undefined;

const kindOptions = questionKinds.map((kind) => ({ value: kind, label: kindLabels[kind] }));

export function QuestionCard({
  question,
  number,
  count,
  errorFor,
  leftoverErrors,
  autoFocus,
  onChange,
  onKind,
  onMove,
  onRemove,
}: {
  question: Draft;
  number: number;
  count: number;
  errorFor: ErrorFor;
  leftoverErrors: string[];
  autoFocus: boolean;
  onChange: Edit;
  onKind: (kind: QuestionKind) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const set = (field: string) => (value: unknown) => onChange(setField(question, field, value));
  const kind = isKind(question.kind) ? question.kind : null;
  return (
    <fieldset className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <legend className="sr-only">Question {number}</legend>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p aria-hidden="true" className="text-sm font-semibold text-slate-900">
          Question {number} <span className="font-normal text-slate-500">· {kind ? kindLabels[kind] : "unknown kind"}</span>
        </p>
        <div className="flex gap-1">
          <SmallButton onClick={() => onMove(-1)} disabled={number === 1}>
            Move up<span className="sr-only"> question {number}</span>
          </SmallButton>
          <SmallButton onClick={() => onMove(1)} disabled={number === count}>
            Move down<span className="sr-only"> question {number}</span>
          </SmallButton>
          <SmallButton onClick={onRemove} danger>
            Remove<span className="sr-only"> question {number}</span>
          </SmallButton>
        </div>
      </div>
      {leftoverErrors.length ? (
        <ul role="alert" className="mt-2 list-disc pl-5 text-sm text-red-600">
          {leftoverErrors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      <div className="mt-3 grid gap-3 sm:grid-cols-2">
        <Field label="Key" value={asText(question.key)} onChange={(e) => set("key")(e.target.value)} error={errorFor("key")} hint="Names the answer in exports; lowercase, e.g. quality." autoComplete="off" spellCheck={false} />
        <SelectField label="Kind" value={kind ?? ""} onChange={(e) => onKind(e.target.value as QuestionKind)} options={kind ? kindOptions : [{ value: "", label: "Choose a kind" }, ...kindOptions]} error={errorFor("kind")} />
      </div>
      <div className="mt-3 space-y-3">
        <Field label="Question text" value={asText(question.text)} onChange={(e) => set("text")(e.target.value)} error={errorFor("text")} autoFocus={autoFocus} />
        <Field label="Help text" value={asText(question.help)} onChange={(e) => set("help")(e.target.value)} error={errorFor("help")} hint="Optional: shown under the question." />
        <CheckboxField label="Required" checked={question.required === true} onChange={(e) => set("required")(e.target.checked)} />
        {kind ? <KindFields kind={kind} question={question} set={set} errorFor={errorFor} /> : null}
      </div>
    </fieldset>
  );
}

function KindFields({ kind, question, set, errorFor }: { kind: QuestionKind; question: Draft; set: (field: string) => (value: unknown) => void; errorFor: ErrorFor }) {
  const numberField = (label: string, field: string, props: { min: number; max: number; hint?: string }) => (
    <Field
      label={label}
      type="number"
      inputMode="numeric"
      {...props}
      value={asNumber(question[field])}
      onChange={(e) => set(field)(e.target.value === "" ? undefined : Number(e.target.value))}
      error={errorFor(field)}
    />
  );
  switch (kind) {
    case "rating":
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          {numberField("Lowest score", "min", { min: 0, max: 10 })}
          {numberField("Highest score", "max", { min: 1, max: 10 })}
          <Field label="Label for the lowest" value={asText(question.minLabel)} onChange={(e) => set("minLabel")(e.target.value)} error={errorFor("minLabel")} hint="Optional, e.g. Unusable." />
          <Field label="Label for the highest" value={asText(question.maxLabel)} onChange={(e) => set("maxLabel")(e.target.value)} error={errorFor("maxLabel")} hint="Optional, e.g. Perfect." />
        </div>
      );
    case "choice":
      return (
        <>
          <CheckboxField label="Reviewers may pick several" checked={question.multiple === true} onChange={(e) => set("multiple")(e.target.checked)} />
          <LinesField label="Options" hint="One per line. Write value | label to show reviewers a different label." value={question.options} codec={optionLines} onChange={set("options")} error={errorFor("options")} />
        </>
      );
    case "pairwise":
      return (
        <>
          <CheckboxField label="Allow a tie" checked={question.allowTie !== false} onChange={(e) => set("allowTie")(e.target.checked)} />
          <CheckboxField label="Ask how much better (slightly or much)" checked={question.strength === true} onChange={(e) => set("strength")(e.target.checked)} />
        </>
      );
    case "spans":
      return <LinesField label="Span labels" hint="One per line, e.g. hallucination." value={question.labels} codec={plainLines} onChange={set("labels")} error={errorFor("labels")} />;
    case "text":
      return (
        <div className="grid gap-3 sm:grid-cols-2">
          {numberField("Maximum length", "maxLength", { min: 1, max: 20000, hint: "In characters." })}
          <Field label="Placeholder" value={asText(question.placeholder)} onChange={(e) => set("placeholder")(e.target.value)} error={errorFor("placeholder")} hint="Optional." />
        </div>
      );
    case "flags":
      return <LinesField label="Flags" hint="One per line, e.g. hallucination, toxicity, pii_leak." value={question.options} codec={plainLines} onChange={set("options")} error={errorFor("options")} />;
    default:
      return null;
  }
}

/**
 * A list edited as lines of text. What is typed stays as typed (a trailing newline, "a |")
 * while it still means the list the question holds; a change from elsewhere (the JSON box) wins.
 */
function LinesField<T>({
  label,
  hint,
  value,
  codec,
  onChange,
  error,
}: {
  label: string;
  hint: ReactNode;
  value: unknown;
  codec: { parse: (text: string) => T; format: (value: unknown) => string };
  onChange: (value: T) => void;
  error: string | undefined;
}) {
  const [typed, setTyped] = useState(() => codec.format(value));
  const shown = JSON.stringify(codec.parse(typed)) === JSON.stringify(value) ? typed : codec.format(value);
  return (
    <TextareaField
      label={label}
      hint={hint}
      rows={4}
      value={shown}
      onChange={(e) => {
        setTyped(e.target.value);
        onChange(codec.parse(e.target.value));
      }}
      error={error}
      spellCheck={false}
    />
  );
}

function SmallButton({ children, danger, ...props }: { children: ReactNode; danger?: boolean; onClick: () => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      {...props}
      className={`rounded-md px-2 py-1 text-xs font-medium ring-1 ring-inset disabled:cursor-not-allowed disabled:opacity-40 ${danger ? "text-red-700 ring-red-300 hover:bg-red-50" : "text-slate-700 ring-slate-300 hover:bg-slate-50"}`}
    >
      {children}
    </button>
  );
}
