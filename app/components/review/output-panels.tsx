import { useState } from "react";
import { Markdown, RawText } from "~/components/markdown";
import { responseName } from "~/modules/questions/labels";

/**
 * The outputs, left to right in the reviewer's order. With two or more they are named by
 * position ("Response A") and never by model, so the reviewer cannot favour a model.
 */
export function OutputPanels({ outputs, order }: { outputs: { text: string; model?: string }[]; order: number[] }) {
  // why: an imported classification item has only its input to review.
  if (outputs.length === 0) return null;
  const shown = outputs.length > 1 ? [...order, ...outputs.map((_, i) => i).filter((i) => !order.includes(i))] : [0];
  return (
    <div className={`grid gap-4 ${shown.length > 1 ? "lg:grid-cols-2" : ""}`}>
      {shown.map((output, position) => (
        <OutputPanel key={output} title={shown.length > 1 ? responseName(position) : "Output"} text={outputs[output]?.text ?? ""} />
      ))}
    </div>
  );
}

/**
 * About 75 characters a line however wide the screen: long lines are hard to follow for hours.
 * On the element that sets the text's size, since `ch` is measured in the element's own font.
 */
export const READING_WIDTH = "max-w-[78ch]";

/** Characters shown before a long output folds ("Show all"): enough to judge, cheap to lay out. */
export const FOLD_AT = 20_000;
/** A run this long without a space is data (base64, a minified line), not prose: shown as raw text, broken anywhere. */
const UNBROKEN = /\S{1000}/;

function OutputPanel({ title, text }: { title: string; text: string }) {
  const [raw, setRaw] = useState(false);
  const [all, setAll] = useState(false);
  const folded = !all && text.length > FOLD_AT;
  const shown = folded ? text.slice(0, FOLD_AT) : text;
  // why: laying out a 200,000-character token as markdown with overflow-wrap takes Chromium seconds;
  // markdown has nothing to format inside one token anyway.
  const plain = raw || UNBROKEN.test(shown);
  const id = `output-${title.replace(/\s+/g, "-").toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id={id} className="text-sm font-semibold text-slate-800">
          {title}
        </h2>
        <button
          type="button"
          aria-pressed={raw}
          onClick={() => setRaw(!raw)}
          className="rounded px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 aria-pressed:bg-slate-800 aria-pressed:text-white"
        >
          Raw<span className="sr-only"> text of {title}</span>
        </button>
      </div>
      <div className="max-h-[32rem] overflow-auto">
        {plain ? <RawText text={shown} breakAnywhere={!raw || UNBROKEN.test(shown)} className={READING_WIDTH} /> : <Markdown text={shown} className={READING_WIDTH} />}
      </div>
      {text.length > FOLD_AT ? (
        <button type="button" onClick={() => setAll(!all)} aria-expanded={all} className="mt-2 text-xs font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
          {all ? `Show the first ${FOLD_AT.toLocaleString("en")} characters only` : `Show all ${text.length.toLocaleString("en")} characters`}
          <span className="sr-only"> of {title}</span>
        </button>
      ) : null}
    </section>
  );
}

/** The reference answer the item came with, if any. */
export function ReferencePanel({ text }: { text: string }) {
  return (
    <details className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" open>
      <summary className="cursor-pointer text-sm font-semibold text-slate-800">Reference answer</summary>
      <div className="mt-2 max-h-96 overflow-auto">
        <Markdown text={text} className={READING_WIDTH} />
      </div>
    </details>
  );
}
