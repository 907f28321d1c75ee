import { useEffect, useRef, useState } from "react";
import type { Span } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";
import { labelFor } from "~/modules/questions/labels";
import { OptionPill } from "./option-pill";
import { responseName } from "~/modules/questions/labels";
import type { WidgetProps } from "./widget-props";
import { labelColour, selectionOffsets, SpanText } from "./span-text";

type Pending = { output: number; start: number; end: number };

/** Mark passages of an output: select text (or type it), pick a label, add. Spans may overlap. */
export function SpansQuestion({ question, value, onChange, outputs, order, disabled, describedBy }: WidgetProps<Extract<Question, { kind: "spans" }>>) {
  const spans = Array.isArray(value) ? (value as Span[]) : [];
  const shown = outputs.length > 1 ? order.filter((i) => i < outputs.length) : outputs.map((_, i) => i);
  const [label, setLabel] = useState(question.labels[0]!);
  const [pending, setPending] = useState<Pending | null>(null);
  const [typed, setTyped] = useState("");
  const [typedOutput, setTypedOutput] = useState(shown[0] ?? 0);
  const [notFound, setNotFound] = useState(false);
  const texts = useRef(new Map<number, HTMLPreElement>());

  useEffect(() => {
    // why: the selection collapses when the reviewer clicks "Add", so remember the last one made in an output.
    const onSelection = () => {
      for (const [output, el] of texts.current) {
        const offsets = selectionOffsets(el);
        if (offsets) return setPending({ output, ...offsets });
      }
    };
    document.addEventListener("selectionchange", onSelection);
    return () => document.removeEventListener("selectionchange", onSelection);
  }, []);

  const add = (target: Pending) => {
    const quote = outputs[target.output]!.text.slice(target.start, target.end);
    onChange([...spans, { output: target.output, start: target.start, end: target.end, label, quote }]);
    setPending(null);
    window.getSelection()?.removeAllRanges();
  };
  const addTyped = () => {
    const text = outputs[typedOutput]?.text ?? "";
    const start = typed ? text.indexOf(typed) : -1;
    setNotFound(start < 0);
    if (start >= 0) {
      add({ output: typedOutput, start, end: start + typed.length });
      setTyped("");
    }
  };
  const name = (output: number) => (outputs.length > 1 ? responseName(shown.indexOf(output)) : "The output");

  return (
    <div className="space-y-3">
      {/* why: keeps already-marked spans in a plain (no-JS) form post. */}
      <input type="hidden" name={question.key} value={JSON.stringify(spans)} />
      {shown.map((output) => (
        <div key={output}>
          {shown.length > 1 ? <p aria-hidden="true" className="mb-1 text-xs font-medium text-slate-500">{name(output)}</p> : null}
          <SpanText
            ref={(el) => void (el ? texts.current.set(output, el) : texts.current.delete(output))}
            label={`${name(output)}, text to mark`}
            text={outputs[output]!.text}
            spans={spans.filter((s) => s.output === output)}
            labels={question.labels}
            pending={pending?.output === output ? pending : null}
          />
        </div>
      ))}
      <div role="radiogroup" aria-label="Span label" className="flex flex-wrap items-center gap-2">
        {question.labels.map((l) => (
          <OptionPill key={l} type="radio" name={`${question.key}.label`} value={l} checked={label === l} onChange={() => setLabel(l)} disabled={disabled}>
            <span aria-hidden="true" className={`h-2.5 w-2.5 rounded-full ${labelColour(question.labels, l)}`} />
            {labelFor(l)}
          </OptionPill>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button
          type="button"
          onClick={() => pending && add(pending)}
          disabled={disabled || !pending}
          aria-describedby={describedBy}
          className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-indigo-300"
        >
          Mark selection as {labelFor(label)}
        </button>
        <span className="text-xs text-slate-500" aria-live="polite">
          {pending ? `Selected: “${outputs[pending.output]!.text.slice(pending.start, pending.end)}”` : "Select text above to mark it."}
        </span>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-xs text-slate-600">Mark by typing the text instead</summary>
        <div className="mt-2 flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-xs text-slate-600">
            Exact text to mark
            <input value={typed} onChange={(e) => setTyped(e.currentTarget.value)} disabled={disabled} className="mt-1 rounded-md border-0 px-2 py-1 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600" />
          </label>
          {shown.length > 1 ? (
            <label className="flex flex-col text-xs text-slate-600">
              In
              <select value={typedOutput} onChange={(e) => setTypedOutput(Number(e.currentTarget.value))} className="mt-1 rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300">
                {shown.map((o) => (
                  <option key={o} value={o}>
                    {name(o)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <button type="button" onClick={addTyped} disabled={disabled || !typed} className="rounded-md px-3 py-1.5 font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-50">
            Mark text
          </button>
        </div>
        {notFound ? <p role="alert" className="mt-1 text-xs text-red-600">That text does not appear in {name(typedOutput)}.</p> : null}
      </details>
      {spans.length ? (
        <ul aria-label="Marked spans" className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {spans.map((span, i) => (
            <li key={`${span.output}-${span.start}-${span.end}-${span.label}-${i}`} className="flex items-start justify-between gap-3 px-3 py-2 text-sm">
              <span>
                <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-medium ${labelColour(question.labels, span.label)}`}>{labelFor(span.label)}</span>
                “{span.quote}”
                <span className="ml-1 text-xs text-slate-500">
                  ({name(span.output)}, {span.start}–{span.end})
                </span>
              </span>
              <button
                type="button"
                onClick={() => onChange(spans.filter((_, j) => j !== i))}
                disabled={disabled}
                className="shrink-0 rounded px-2 py-0.5 text-xs text-red-700 ring-1 ring-inset ring-red-200 hover:bg-red-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                Remove <span className="sr-only">{`${labelFor(span.label)} span “${span.quote}”`}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
