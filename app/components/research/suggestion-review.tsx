import { useEffect, useRef, useState } from "react";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { HighlightedComment } from "./highlighted-comment";

export type SuggestionView = {
  id: string;
  feedbackId: number;
  comment: string;
  theme: string;
  source: string;
  rationale: string;
  quoteStart: number | null;
  quoteEnd: number | null;
};

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

/**
 * Pending suggestions one at a time, keyboard first: j / k move to the next / previous one, a
 * accepts and r rejects the one shown as current (outlined and scrolled into view), so nothing is
 * decided unseen. Each decision is an ordinary form post, so the buttons work without JavaScript.
 */
export function SuggestionReview({
  suggestions,
  mayDecide,
}: {
  suggestions: SuggestionView[];
  mayDecide: boolean;
}) {
  const [current, setCurrent] = useState(0);
  // why: the keys work once this effect has run (after hydration); the list says so for people's tools and the tests.
  const [keysReady, setKeysReady] = useState(false);
  const items = useRef<(HTMLLIElement | null)[]>([]);
  const index = Math.min(current, Math.max(0, suggestions.length - 1));

  useEffect(() => {
    items.current[index]?.scrollIntoView?.({ block: "nearest" });
  }, [index, suggestions.length]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        event.ctrlKey ||
        event.metaKey ||
        event.altKey ||
        typing(event.target) ||
        !suggestions.length
      )
        return;
      if (event.key === "j")
        setCurrent(Math.min(index + 1, suggestions.length - 1));
      else if (event.key === "k") setCurrent(Math.max(index - 1, 0));
      else if (mayDecide && (event.key === "a" || event.key === "r")) {
        items.current[index]
          ?.querySelector<HTMLButtonElement>(
            `button[value="${event.key === "a" ? "accept" : "reject"}"]`
          )
          ?.click();
      } else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    setKeysReady(true);
    return () => window.removeEventListener("keydown", onKey);
  }, [index, suggestions.length, mayDecide]);

  if (!suggestions.length)
    return <p className="text-sm text-slate-600">No pending suggestion.</p>;
  return (
    <>
      <p className="mb-3 text-sm text-slate-600">
        Keys: <kbd className="rounded border px-1">j</kbd> next,{" "}
        <kbd className="rounded border px-1">k</kbd> previous
        {mayDecide ? (
          <>
            , <kbd className="rounded border px-1">a</kbd> accept,{" "}
            <kbd className="rounded border px-1">r</kbd> reject the current one
          </>
        ) : null}
        .
      </p>
      <ol className="space-y-3" aria-label="Pending suggestions" data-keys-ready={keysReady ? "true" : undefined}>
        {suggestions.map((s, i) => (
          <li
            key={s.id}
            ref={(el) => {
              items.current[i] = el;
            }}
            aria-current={i === index ? "true" : undefined}
            data-suggestion={s.id}
            onClick={() => setCurrent(i)}
            className={`rounded-md border p-3 text-sm ${
              i === index
                ? "border-indigo-500 ring-2 ring-indigo-200"
                : "border-slate-200"
            }`}
          >
            <p className="font-medium text-slate-900">
              Theme: <span data-testid="suggested-theme">{s.theme}</span>
            </p>
            <p className="mt-1 text-slate-800">
              <HighlightedComment
                comment={s.comment}
                start={s.quoteStart}
                end={s.quoteEnd}
              />
            </p>
            <p className="mt-1 text-xs text-slate-600">
              Why: {s.rationale || "—"} · {s.source}
            </p>
            {mayDecide ? (
              <PostForm className="mt-2 flex gap-2">
                <input type="hidden" name="suggestionId" value={s.id} />
                <Button name="intent" value="accept">
                  Accept
                </Button>
                <Button name="intent" value="reject" variant="secondary">
                  Reject
                </Button>
              </PostForm>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}
