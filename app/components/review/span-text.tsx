import { forwardRef, type ReactNode } from "react";
import type { Span } from "~/modules/templates/answers";

const palette = ["bg-amber-200", "bg-rose-200", "bg-sky-200", "bg-lime-200", "bg-violet-200", "bg-orange-200"];

/** The highlight colour of a span label, stable across the screen. */
export const labelColour = (labels: string[], label: string) => palette[Math.max(0, labels.indexOf(label)) % palette.length];

/**
 * An output's raw text with its spans highlighted. It renders the text only as text nodes and
 * <mark>s (no whitespace of its own) so a DOM selection maps to exact character offsets.
 */
export const SpanText = forwardRef<HTMLPreElement, { text: string; spans: Span[]; labels: string[]; pending?: { start: number; end: number } | null; label: string }>(
  function SpanText({ text, spans, labels, pending, label }, ref) {
    const points = new Set([0, text.length]);
    for (const s of spans) points.add(s.start).add(s.end);
    if (pending) points.add(pending.start).add(pending.end);
    const cuts = [...points].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
    const pieces: ReactNode[] = [];
    for (let i = 0; i < cuts.length - 1; i++) {
      const [from, to] = [cuts[i]!, cuts[i + 1]!];
      const covering = spans.filter((s) => s.start <= from && s.end >= to);
      const inPending = pending && pending.start <= from && pending.end >= to;
      const piece = text.slice(from, to);
      if (covering.length === 0 && !inPending) {
        pieces.push(piece);
        continue;
      }
      const colour = covering.length ? labelColour(labels, covering[0]!.label) : "";
      pieces.push(
        <mark
          key={from}
          title={covering.map((s) => s.label).join(", ") || "Selected"}
          data-labels={covering.map((s) => s.label).join(" ")}
          className={`${colour} text-inherit ${covering.length > 1 ? "underline decoration-2 decoration-slate-700" : ""} ${inPending ? "outline outline-2 outline-indigo-500" : ""} ${covering.length ? "" : "bg-transparent"}`}
        >
          {piece}
        </mark>,
      );
    }
    return (
      <pre ref={ref} aria-label={label} tabIndex={0} className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600">
        {pieces}
      </pre>
    );
  },
);

/** Character offsets of the current selection inside `container`, or null when it lies elsewhere. */
export function selectionOffsets(container: HTMLElement): { start: number; end: number } | null {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(container);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + range.toString().length;
  return end > start ? { start, end } : null;
}
