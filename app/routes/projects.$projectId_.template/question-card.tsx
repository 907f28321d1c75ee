import type { ReactNode } from "react";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { SelectField } from "~/components/ui/select-field";
import { questionKinds, type QuestionKind } from "~/modules/templates/schemas";
import { asText, isKind, kindLabels, setField, type Draft } from "./drafts";
import { kindFields, type ErrorFor } from "./kind-fields";

type Edit = (next: Draft) => void;

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
        {kind ? kindFields[kind]({ question, set, errorFor }) : null}
      </div>
    </fieldset>
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
