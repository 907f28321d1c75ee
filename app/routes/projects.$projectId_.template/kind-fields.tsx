import { useState, type ReactNode } from "react";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { TextareaField } from "~/components/ui/textarea-field";
import type { QuestionKind } from "~/modules/questions";
import { asNumber, asText, optionLines, plainLines, type Draft } from "./drafts";

/** The message for a field of this question (`key`, `options`, …), including those of its parts (`options.1.value`). */
export type ErrorFor = (field: string) => string | undefined;
type FieldsProps = { question: Draft; set: (field: string) => (value: unknown) => void; errorFor: ErrorFor };

/** Each kind's own settings in the template editor (what every question has is edited by the card). */
export const kindFields: Record<QuestionKind, (props: FieldsProps) => ReactNode> = {
  rating: ({ question, set, errorFor }) => (
    <div className="grid gap-3 sm:grid-cols-2">
      <NumberField label="Lowest score" field="min" min={0} max={10} question={question} set={set} errorFor={errorFor} />
      <NumberField label="Highest score" field="max" min={1} max={10} question={question} set={set} errorFor={errorFor} />
      <Field label="Label for the lowest" value={asText(question.minLabel)} onChange={(e) => set("minLabel")(e.target.value)} error={errorFor("minLabel")} hint="Optional, e.g. Unusable." />
      <Field label="Label for the highest" value={asText(question.maxLabel)} onChange={(e) => set("maxLabel")(e.target.value)} error={errorFor("maxLabel")} hint="Optional, e.g. Perfect." />
    </div>
  ),
  thumbs: () => null,
  choice: ({ question, set, errorFor }) => (
    <>
      <CheckboxField label="Reviewers may pick several" checked={question.multiple === true} onChange={(e) => set("multiple")(e.target.checked)} />
      <LinesField label="Options" hint="One per line. Write value | label to show reviewers a different label." value={question.options} codec={optionLines} onChange={set("options")} error={errorFor("options")} />
    </>
  ),
  pairwise: ({ question, set }) => (
    <>
      <CheckboxField label="Allow a tie" checked={question.allowTie !== false} onChange={(e) => set("allowTie")(e.target.checked)} />
      <CheckboxField label="Ask how much better (slightly or much)" checked={question.strength === true} onChange={(e) => set("strength")(e.target.checked)} />
    </>
  ),
  correction: () => null,
  spans: ({ question, set, errorFor }) => (
    <LinesField label="Span labels" hint="One per line, e.g. hallucination." value={question.labels} codec={plainLines} onChange={set("labels")} error={errorFor("labels")} />
  ),
  text: ({ question, set, errorFor }) => (
    <div className="grid gap-3 sm:grid-cols-2">
      <NumberField label="Maximum length" field="maxLength" min={1} max={20000} hint="In characters." question={question} set={set} errorFor={errorFor} />
      <Field label="Placeholder" value={asText(question.placeholder)} onChange={(e) => set("placeholder")(e.target.value)} error={errorFor("placeholder")} hint="Optional." />
    </div>
  ),
  flags: ({ question, set, errorFor }) => (
    <LinesField label="Flags" hint="One per line, e.g. hallucination, toxicity, pii_leak." value={question.options} codec={plainLines} onChange={set("options")} error={errorFor("options")} />
  ),
};

function NumberField({ label, field, min, max, hint, question, set, errorFor }: FieldsProps & { label: string; field: string; min: number; max: number; hint?: string }) {
  return (
    <Field
      label={label}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      hint={hint}
      value={asNumber(question[field])}
      onChange={(e) => set(field)(e.target.value === "" ? undefined : Number(e.target.value))}
      error={errorFor(field)}
    />
  );
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

