import { diffWordsWithSpace } from "diff";
import { useMemo } from "react";

export type DiffPart = { value: string; added?: boolean; removed?: boolean };

// why: diffing is O(n·d); two long, very different texts must not freeze the editor on a keystroke.
const DIFF_TIMEOUT_MS = 200;

function countWords(value: string): number {
  return value.match(/\S+/g)?.length ?? 0;
}

/** Word-level diff of `before` → `after`, with how many words were added and removed. */
export function wordDiff(before: string, after: string): { added: number; removed: number; parts: DiffPart[] } {
  const changes = diffWordsWithSpace(before, after, { timeout: DIFF_TIMEOUT_MS }) ?? [
    { value: before, added: false, removed: true },
    { value: after, added: true, removed: false },
  ];
  const parts: DiffPart[] = changes
    .filter((change) => change.value !== "")
    .map((change) =>
      change.added ? { value: change.value, added: true } : change.removed ? { value: change.value, removed: true } : { value: change.value },
    );
  let added = 0;
  let removed = 0;
  for (const part of parts) {
    if (part.added) added += countWords(part.value);
    if (part.removed) removed += countWords(part.value);
  }
  return { added, removed, parts };
}

// why: colour and strike-through are invisible to screen readers; the hidden label is what they announce.
function Removed({ value }: { value: string }) {
  return (
    <del className="bg-red-50 text-red-800 decoration-red-600">
      {value.trim() ? <span className="sr-only">removed: </span> : null}
      {value}
    </del>
  );
}

function Added({ value }: { value: string }) {
  return (
    <ins className="bg-emerald-50 text-emerald-800 no-underline">
      {value.trim() ? <span className="sr-only">added: </span> : null}
      {value}
    </ins>
  );
}

const textClass = "whitespace-pre-wrap break-words text-sm leading-relaxed text-slate-900";

/** The corrected text against the original: inline (one text) or side by side (two columns). */
export function WordDiff({ before, after, mode }: { before: string; after: string; mode: "inline" | "side-by-side" }) {
  const { parts } = useMemo(() => wordDiff(before, after), [before, after]);

  if (mode === "inline") {
    return (
      <div className={textClass}>
        {parts.map((part, index) =>
          part.removed ? (
            <Removed key={index} value={part.value} />
          ) : part.added ? (
            <Added key={index} value={part.value} />
          ) : (
            <span key={index}>{part.value}</span>
          ),
        )}
      </div>
    );
  }

  return (
    <div className="grid gap-4 md:grid-cols-2">
      <figure className="min-w-0 rounded-md border border-slate-200 p-3">
        <figcaption className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Original</figcaption>
        <div className={textClass}>
          {parts.map((part, index) =>
            part.added ? null : part.removed ? <Removed key={index} value={part.value} /> : <span key={index}>{part.value}</span>,
          )}
        </div>
      </figure>
      <figure className="min-w-0 rounded-md border border-slate-200 p-3">
        <figcaption className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Corrected</figcaption>
        <div className={textClass}>
          {parts.map((part, index) =>
            part.removed ? null : part.added ? <Added key={index} value={part.value} /> : <span key={index}>{part.value}</span>,
          )}
        </div>
      </figure>
    </div>
  );
}
