import { splitByRanges } from "~/modules/research/inbox-filter";

/** Text with ranges marked, built from string slices (never HTML), so a hostile comment stays text. */
export function HighlightedText({ text, ranges, markClassName = "rounded bg-amber-200 px-0.5" }: { text: string; ranges: [number, number][]; markClassName?: string }) {
  return (
    <>
      {splitByRanges(text, ranges).map((part, i) =>
        part.marked ? (
          <mark key={i} className={markClassName}>
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        )
      )}
    </>
  );
}

/** The offsets of the current selection inside `container`'s text, or null when the selection is empty or reaches outside it. */
export function selectionOffsets(container: HTMLElement | null): [number, number] | null {
  const selection = typeof window === "undefined" ? null : window.getSelection();
  if (!container || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(container);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + range.toString().length;
  return end > start ? [start, end] : null;
}
