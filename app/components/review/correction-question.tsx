import { useState } from "react";
import { WordDiff } from "~/components/word-diff";
import type { Question } from "~/modules/templates/schemas";
import { responseName } from "~/modules/questions/labels";
import type { WidgetProps } from "./widget-props";

/**
 * The corrected text of the output. An unchanged copy is stored as no answer (undefined), so an
 * export of corrections holds only real ones; the no-JS parser applies the same rule.
 */
export function CorrectionQuestion({ question, value, onChange, outputs, order, disabled, describedBy }: WidgetProps<Extract<Question, { kind: "correction" }>>) {
  const original = outputs[0]?.text ?? "";
  const text = (value as { text?: string } | undefined)?.text ?? original;
  const [mode, setMode] = useState<"inline" | "side-by-side">("inline");
  const changed = text !== original;
  const set = (next: string) => onChange(next === original ? undefined : { text: next });
  return (
    <div className="space-y-2">
      {outputs.length > 1 ? <p className="text-xs text-slate-500">This corrects {responseName(Math.max(0, order.indexOf(0)))}.</p> : null}
      <textarea
        id={`q-${question.key}-input`}
        name={question.key}
        data-correction=""
        rows={Math.min(16, Math.max(4, text.split("\n").length + 1))}
        value={text}
        onChange={(event) => set(event.currentTarget.value)}
        disabled={disabled}
        aria-describedby={describedBy}
        className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
      />
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={() => set(original)}
          disabled={disabled || !changed}
          className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50"
        >
          Reset to original
        </button>
        <button
          type="button"
          aria-pressed={mode === "side-by-side"}
          onClick={() => setMode(mode === "inline" ? "side-by-side" : "inline")}
          className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 aria-pressed:bg-slate-100"
        >
          Side by side
        </button>
      </div>
      <section aria-label="Changes to the output" className="rounded-md border border-dashed border-slate-300 p-3">
        {changed ? <WordDiff before={original} after={text} mode={mode} /> : <p className="text-xs text-slate-500">No changes yet.</p>}
      </section>
    </div>
  );
}
