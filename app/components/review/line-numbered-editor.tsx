import type { TextareaHTMLAttributes } from "react";

/** A run this long without a space is data (base64, a minified line): both layers break it anywhere, which lays out in linear time. */
const UNBROKEN = /\S{1000}/;

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange" | "wrap"> & {
  value: string;
  onChange: (next: string) => void;
  /** Soft wrap (the default) or one row per line with horizontal scrolling. */
  wrap: boolean;
};

/**
 * A plain <textarea> with line numbers beside it. The numbers sit in a grid beside an invisible
 * copy of the text laid out exactly like the textarea (same font, padding and wrapping), one row
 * per line, so a soft-wrapped line's number spans all its rows. The textarea lies over the copy
 * and grows with it; the frame scrolls. It stays a textarea: the form posts it without script,
 * and selection, undo and screen readers behave as everywhere else.
 */
export function LineNumberedEditor({ value, onChange, wrap, className, ...textarea }: Props) {
  const lines = value.split("\n");
  const gutter = `${String(lines.length).length + 2}ch`;
  const breaking = UNBROKEN.test(value) ? "break-all" : "break-words";
  const flow = wrap ? `whitespace-pre-wrap ${breaking}` : "whitespace-pre";
  return (
    <div className={`overflow-auto rounded-md bg-white ring-1 ring-inset ring-slate-300 focus-within:ring-2 focus-within:ring-indigo-600 ${className ?? ""}`}>
      <div
        className={`relative grid py-2 font-mono text-sm leading-6 ${wrap ? "" : "w-max min-w-full"}`}
        style={{ gridTemplateColumns: `${gutter} ${wrap ? "minmax(0, 1fr)" : "max-content"}` }}
      >
        {lines.map((line, i) => (
          <LineRow key={i} number={i + 1} text={line} flow={flow} />
        ))}
        <textarea
          {...textarea}
          value={value}
          onChange={(event) => onChange(event.currentTarget.value)}
          wrap={wrap ? "soft" : "off"}
          spellCheck={textarea.spellCheck ?? false}
          style={{ left: gutter }}
          className={`absolute inset-y-0 right-0 h-full resize-none overflow-hidden bg-transparent px-3 py-2 font-mono text-sm leading-6 text-slate-900 caret-slate-900 outline-none ${flow}`}
        />
      </div>
    </div>
  );
}

function LineRow({ number, text, flow }: { number: number; text: string; flow: string }) {
  return (
    <>
      <span aria-hidden="true" className="select-none border-r border-slate-200 bg-slate-50 pr-2 text-right tabular-nums text-slate-400">
        {number}
      </span>
      {/* why: an empty line still takes a row, as it does in the textarea. */}
      <span aria-hidden="true" className={`invisible px-3 ${flow}`}>
        {text || "\u200b"}
      </span>
    </>
  );
}
