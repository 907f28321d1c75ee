import { useEffect, useRef, useState } from "react";
import { WordDiff } from "~/components/word-diff";
import type { Question } from "~/modules/templates/schemas";
import { responseName } from "~/modules/questions/labels";
import { LineNumberedEditor } from "./line-numbered-editor";
import type { WidgetProps } from "./widget-props";

const smallButton =
  "rounded-md px-2 py-1 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50 aria-pressed:bg-slate-100";

/**
 * The corrected text of the output. An unchanged copy is stored as no answer (undefined), so an
 * export of corrections holds only real ones; the no-JS parser applies the same rule. "Wide
 * editor" opens the editor over the whole page, beside the original (or the changes), with line
 * numbers and soft wrap: room for a long answer or code.
 */
export function CorrectionQuestion({ question, value, onChange, outputs, order, disabled, describedBy }: WidgetProps<Extract<Question, { kind: "correction" }>>) {
  const original = outputs[0]?.text ?? "";
  const text = (value as { text?: string } | undefined)?.text ?? original;
  const [mode, setMode] = useState<"inline" | "side-by-side">("inline");
  const [wide, setWide] = useState(false);
  const changed = text !== original;
  const set = (next: string) => onChange(next === original ? undefined : { text: next });
  const about = outputs.length > 1 ? responseName(Math.max(0, order.indexOf(0))) : null;
  const field = { id: `q-${question.key}-input`, name: question.key, "data-correction": "", disabled, "aria-describedby": describedBy };
  return (
    <div className="space-y-2">
      {about ? <p className="text-xs text-slate-500">This corrects {about}.</p> : null}
      {/* why one field at a time: the form posts whichever editor is showing, under the question's key. */}
      {wide ? (
        <WideEditor title={question.text} about={about} original={original} text={text} onChange={set} onClose={() => setWide(false)} field={field} />
      ) : (
        <textarea
          {...field}
          rows={Math.min(16, Math.max(4, text.split("\n").length + 1))}
          value={text}
          onChange={(event) => set(event.currentTarget.value)}
          className="block w-full rounded-md border-0 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
        />
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" onClick={() => set(original)} disabled={disabled || !changed} className={smallButton}>
          Reset to original
        </button>
        <button type="button" aria-pressed={mode === "side-by-side"} onClick={() => setMode(mode === "inline" ? "side-by-side" : "inline")} className={smallButton}>
          Side by side
        </button>
        <button type="button" onClick={() => setWide(true)} disabled={disabled} className={smallButton}>
          Wide editor
        </button>
      </div>
      <section aria-label="Changes to the output" className="rounded-md border border-dashed border-slate-300 p-3">
        {changed ? <WordDiff before={original} after={text} mode={mode} /> : <p className="text-xs text-slate-500">No changes yet.</p>}
      </section>
    </div>
  );
}

type Field = { id: string; name: string; "data-correction": string; disabled?: boolean; "aria-describedby"?: string };

/**
 * The editor over the page's whole width in a native modal dialog (focus stays inside, Esc
 * closes it): the original or the changes on the left, the line-numbered editor on the right.
 * The dialog is inside the review form, so its textarea is the field the form posts.
 */
function WideEditor({ title, about, original, text, onChange, onClose, field }: { title: string; about: string | null; original: string; text: string; onChange: (next: string) => void; onClose: () => void; field: Field }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [left, setLeft] = useState<"original" | "changes">("original");
  const [wrap, setWrap] = useState(true);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    document.getElementById(field.id)?.focus();
  }, [field.id]);
  const heading = `${field.id}-wide`;
  return (
    <dialog
      ref={ref}
      aria-labelledby={heading}
      onClose={onClose}
      // why: the review screen's Esc and letter keys must not act behind the dialog.
      onKeyDown={(event) => event.key === "Escape" && event.stopPropagation()}
      className="m-0 h-full max-h-full w-full max-w-full bg-slate-50 p-0 backdrop:bg-slate-900/40"
    >
      <div className="flex h-full flex-col gap-3 p-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id={heading} className="text-base font-semibold text-slate-900">
            {title}
            {about ? <span className="ml-2 text-sm font-normal text-slate-500">about {about}</span> : null}
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            <fieldset className="flex items-center gap-1 text-xs">
              <legend className="sr-only">Show on the left</legend>
              {(["original", "changes"] as const).map((side) => (
                <button key={side} type="button" aria-pressed={left === side} onClick={() => setLeft(side)} className={smallButton}>
                  {side === "original" ? "Original" : "Changes"}
                </button>
              ))}
            </fieldset>
            <button type="button" aria-pressed={wrap} onClick={() => setWrap(!wrap)} className={smallButton}>
              Wrap lines
            </button>
            <button type="button" onClick={() => onChange(original)} disabled={text === original} className={smallButton}>
              Reset to original
            </button>
            <button
              type="button"
              onClick={onClose}
              className="rounded-md bg-indigo-600 px-3 py-1 text-xs font-semibold text-white hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              Done
            </button>
          </div>
        </div>
        <div className="grid min-h-0 flex-1 gap-4 lg:grid-cols-2">
          <section aria-label={left === "original" ? "The original output" : "Changes to the output"} className="min-h-0 overflow-auto rounded-md border border-slate-200 bg-white p-3">
            {left === "original" ? (
              <pre className={`font-mono text-sm leading-6 text-slate-900 ${wrap ? "whitespace-pre-wrap break-words" : "whitespace-pre"}`}>{original}</pre>
            ) : text === original ? (
              <p className="text-xs text-slate-500">No changes yet.</p>
            ) : (
              <WordDiff before={original} after={text} mode="inline" />
            )}
          </section>
          <LineNumberedEditor {...field} aria-label={title} value={text} onChange={onChange} wrap={wrap} className="min-h-0" />
        </div>
        <p className="text-xs text-slate-500">
          Esc or Done returns to the review; Ctrl / ⌘ + Enter submits from here too.
        </p>
      </div>
    </dialog>
  );
}
