import { useEffect, useLayoutEffect, useRef } from "react";
import type { Question } from "~/modules/templates/schemas";
import { kindOf } from "~/modules/questions";
import { pickOption } from "./choice-questions";
import { pairwisePick } from "./pairwise-question";

type Handlers = {
  questions: Question[];
  values: Record<string, unknown>;
  order: number[];
  onChange: (key: string, value: unknown) => void;
  submit: () => void;
  skip: () => void;
  help: () => void;
  guidelines: () => void;
  /** Accept every suggestion not answered otherwise. */
  acceptSuggestions: () => void;
  /** Off while the item cannot be answered (an open dialog is asked of the page at each key). */
  enabled: boolean;
};

const digitKinds = new Set(["rating", "thumbs", "choice", "flags"]);

// why: the listener must exist as soon as the screen is on the page. A passive effect runs a moment
// after paint, and a key pressed in that moment (the next item just shown) was lost; a layout
// effect runs before the browser paints. On the server, where layout effects warn, nothing listens.
const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit", "reset"].includes(target.type);
}

/**
 * The review screen's keyboard: 1–9 answer the focused (or last used, or first) rating/choice
 * question, J/K move to the next/previous question, A/B/T pairwise, L/M "slightly"/"much" better,
 * E the correction, S skip, G guidelines, Y accept the suggestions, ? help, Ctrl/Cmd+Enter submit.
 * Letters and digits are left alone while the reviewer types. Keys pressed before the page
 * hydrated (kept by public/early-keys.js) are replayed once.
 */
export function useReviewShortcuts(handlers: Handlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  const lastQuestion = useRef<string | null>(null);

  useIsomorphicLayoutEffect(() => {
    const onFocus = (event: FocusEvent) => {
      const key = (event.target as HTMLElement | null)?.closest?.("[data-question-key]")?.getAttribute("data-question-key");
      if (key) lastQuestion.current = key;
    };
    const onKey = (event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "defaultPrevented" | "isComposing" | "target" | "preventDefault">) => {
      const h = latest.current;
      if (event.defaultPrevented || event.isComposing) return;
      // why the DOM and not React state: a dialog closed by Esc is closed at once, while the state
      // that said so arrives a render later; a key pressed in between was lost.
      const openDialog = document.querySelector("dialog[open]");
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        // The wide correction editor is a dialog inside the review form: it may submit from there.
        if (!h.enabled || (openDialog && !openDialog.closest("form"))) return;
        event.preventDefault();
        return h.submit();
      }
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || !h.enabled || openDialog) return;
      const key = event.key.toLowerCase();
      const act = (fn: () => void) => {
        event.preventDefault();
        fn();
      };
      if (event.key === "?") return act(h.help);
      if (/^[0-9]$/.test(key)) return answerDigit(h, Number(key), lastQuestion.current, event);
      const pairwise = h.questions.find((q) => q.kind === "pairwise");
      if (pairwise && (key === "a" || key === "b" || (key === "t" && pairwise.kind === "pairwise" && pairwise.allowTie))) {
        const pick = key === "a" ? 0 : key === "b" ? 1 : "tie";
        return act(() => h.onChange(pairwise.key, pairwisePick(h.order, h.values[pairwise.key], pick)));
      }
      if (pairwise?.kind === "pairwise" && pairwise.strength && (key === "l" || key === "m")) {
        const answer = h.values[pairwise.key] as { winner?: unknown } | undefined;
        // why: a strength says how much better the chosen response is; there is none to qualify before a pick, or for a tie.
        if (!answer || answer.winner === undefined || answer.winner === "tie") return;
        return act(() => h.onChange(pairwise.key, { ...answer, strength: key === "l" ? "slightly" : "much" }));
      }
      if (key === "j" || key === "k") return act(() => moveQuestion(key === "j" ? 1 : -1, lastQuestion));
      if (key === "e") {
        const editor = document.querySelector<HTMLTextAreaElement>("textarea[data-correction]");
        if (editor) act(() => editor.focus());
        return;
      }
      if (key === "s") return act(h.skip);
      if (key === "g") return act(h.guidelines);
      if (key === "y") return act(h.acceptSuggestions);
    };
    document.addEventListener("focusin", onFocus);
    window.addEventListener("keydown", onKey);
    // why: keys pressed before hydration, kept by public/early-keys.js; taken once (the root drops
    // the buffer after hydration, so a later client-side visit replays nothing).
    const early = (window as { __loupeEarlyKeys?: EarlyKey[] | null }).__loupeEarlyKeys;
    (window as { __loupeEarlyKeys?: EarlyKey[] | null }).__loupeEarlyKeys = null;
    for (const k of early ?? []) {
      if (k.typing) continue;
      onKey({ ...k, defaultPrevented: false, isComposing: false, target: document.activeElement, preventDefault: () => {} });
    }
    return () => {
      document.removeEventListener("focusin", onFocus);
      window.removeEventListener("keydown", onKey);
    };
  }, []);
}

type EarlyKey = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean; typing: boolean };

/** Focuses the next (1) or previous (−1) question's first control, from the focused or last used one. */
function moveQuestion(step: 1 | -1, last: { current: string | null }) {
  const frames = [...document.querySelectorAll<HTMLElement>("[data-question-key]")];
  if (!frames.length) return;
  const focusedKey = (document.activeElement as HTMLElement | null)?.closest?.("[data-question-key]")?.getAttribute("data-question-key") ?? last.current;
  const at = frames.findIndex((f) => f.getAttribute("data-question-key") === focusedKey);
  const next = frames[at < 0 ? (step === 1 ? 0 : frames.length - 1) : Math.min(frames.length - 1, Math.max(0, at + step))]!;
  const control =
    next.querySelector<HTMLElement>("input:checked:not([type=hidden])") ?? next.querySelector<HTMLElement>("input:not([type=hidden]):not([disabled]), textarea, select, button");
  control?.focus();
  last.current = next.getAttribute("data-question-key");
}

function answerDigit(h: Handlers, digit: number, last: string | null, event: Pick<KeyboardEvent, "preventDefault">) {
  const focusedKey = (document.activeElement as HTMLElement | null)?.closest?.("[data-question-key]")?.getAttribute("data-question-key");
  const candidates = h.questions.filter((q) => digitKinds.has(q.kind));
  const question =
    candidates.find((q) => q.key === focusedKey) ?? candidates.find((q) => q.key === last) ?? candidates[0];
  if (!question) return;
  const option = kindOf(question).digit(question, digit);
  if (option === null) return;
  event.preventDefault();
  h.onChange(question.key, pickOption(question, h.values[question.key], option));
  // why: keep focus in the question just answered, so Tab moves on to the next one.
  const input = document.querySelector<HTMLInputElement>(`[data-question-key="${question.key}"] input[value="${CSS.escape(String(option))}"]`);
  input?.focus();
}
