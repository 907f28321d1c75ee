import { useId, type ReactNode } from "react";
import { inputClass } from "~/components/ui/field-shell";
import type { QuestionKind } from "~/modules/questions";
import { responseName } from "~/modules/questions/labels";
import type { Question } from "~/modules/templates/schemas";

type Of<K extends QuestionKind> = Extract<Question, { kind: K }>;
type ControlProps<Q> = { question: Q; outputs: { text: string }[]; id: string; described: object };
/** A final-answer control per kind, posted as `value` (null: the kind has no final answer). `grouped`: several checkboxes. */
type Control<Q> = { render: (props: ControlProps<Q>) => ReactNode; grouped: (q: Q) => boolean } | null;

const controls: { [K in QuestionKind]: Control<Of<K>> } = {
  rating: {
    render: ({ question, id, described }) => (
      <input id={id} name="value" type="number" min={question.min} max={question.max} step={1} className={`w-28 px-2 py-1.5 ${inputClass}`} {...described} />
    ),
    grouped: () => false,
  },
  thumbs: { render: ({ id, described }) => options(id, ["up", "down"], described), grouped: () => false },
  choice: {
    render: ({ question, id, described }) => (question.multiple ? checks(question.options.map((o) => o.value)) : options(id, question.options.map((o) => o.value), described)),
    grouped: (q) => q.multiple,
  },
  flags: { render: ({ question }) => checks(question.options), grouped: () => true },
  pairwise: {
    render: ({ question, outputs, id, described }) =>
      options(id, [...outputs.map((_, i) => String(i)), ...(question.allowTie ? ["tie"] : [])], described, (v) => (v === "tie" ? "Tie: neither is better" : responseName(Number(v)))),
    grouped: () => false,
  },
  correction: {
    render: ({ outputs, id, described }) => <textarea id={id} name="value" rows={4} defaultValue={outputs[0]?.text ?? ""} className={`w-full px-2 py-1.5 font-mono ${inputClass}`} {...described} />,
    grouped: () => false,
  },
  spans: {
    render: ({ id, described }) => (
      <textarea id={id} name="value" rows={3} placeholder='[{"output":0,"start":0,"end":5,"label":"hallucination","quote":"…"}]' className={`w-full px-2 py-1.5 font-mono ${inputClass}`} {...described} />
    ),
    grouped: () => false,
  },
  text: null,
};

/** An input in the kind's shape; the server reads it with the kind's form reader and checks it as a reviewer's answer. */
export function FinalAnswerField({ question, outputs, error }: { question: Question; outputs: { text: string }[]; error?: string }) {
  const id = useId();
  const control = controls[question.kind] as Control<Question>;
  if (!control) return null;
  const label = `Final answer for ${question.key}`;
  const described = error ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};
  const rendered = control.render({ question, outputs, id, described });
  return (
    <div>
      {control.grouped(question) ? (
        <fieldset {...described}>
          <legend className="text-sm font-medium">{label}</legend>
          {rendered}
        </fieldset>
      ) : (
        <>
          <label htmlFor={id} className="block text-sm font-medium">
            {label}
          </label>
          <div className="mt-1">{rendered}</div>
        </>
      )}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function options(id: string, values: string[], described: object, name: (v: string) => string = (v) => v) {
  return (
    <select id={id} name="value" defaultValue="" className={`px-2 py-1.5 ${inputClass}`} {...described}>
      <option value="" disabled>
        Choose…
      </option>
      {values.map((v) => (
        <option key={v} value={v}>
          {name(v)}
        </option>
      ))}
    </select>
  );
}

function checks(values: string[]) {
  return (
    <div className="mt-1 flex flex-wrap gap-3">
      {values.map((v) => (
        <label key={v} className="inline-flex items-center gap-1 text-sm">
          <input type="checkbox" name="value" value={v} className="h-4 w-4" /> {v}
        </label>
      ))}
    </div>
  );
}
