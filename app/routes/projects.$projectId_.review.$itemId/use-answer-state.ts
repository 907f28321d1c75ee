import { useFetcher, useFormAction, useRouteLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { MarkedSuggestion, Suggestion } from "~/components/review/widget-props";
import { checkAnswers, type Answers } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";

type SavedAnswer = { values: Answers; status: "draft" | "submitted"; updatedAt: string | Date } | null;
type LocalDraft = { values: Answers; touched: string[]; savedAt: number; synced: boolean };
export type SaveStatus = "idle" | "pending" | "saving" | "saved" | "offline" | "failed";
type DraftReply = { draft?: { id: string }; networkError?: string; formError?: string; fieldErrors?: Record<string, string> };

const AUTOSAVE_MS = 800;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
// why: a label set is the same answer whichever order its options were ticked in.
// An emptied list is stored as no answer (setValue), so an empty suggested list matches it.
const asList = (v: unknown) => (v === undefined ? [] : v);
const sameAnswer = (a: unknown, b: unknown) =>
  Array.isArray(asList(a)) && Array.isArray(asList(b))
    ? same((asList(a) as unknown[]).map(String).sort(), (asList(b) as unknown[]).map(String).sort())
    : same(a, b);

type ServerSuggestion = { questionKey: string; value: unknown; source: string; confidence: number | null; rationale?: string | null };

function readLocal(key: string): LocalDraft | null {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as LocalDraft) : null;
  } catch {
    return null;
  }
}

function writeLocal(key: string, draft: LocalDraft | null) {
  try {
    if (draft) window.localStorage.setItem(key, JSON.stringify(draft));
    else window.localStorage.removeItem(key);
  } catch {
    // A full or disabled storage only loses the on-device copy; the server draft still saves.
  }
}

const SUBMITTED = "loupe:submitted-item";

/** Notes that this item's answer was sent, so the next screen can drop its copies on the device. */
export function markSubmitted(itemId: number) {
  try {
    window.sessionStorage.setItem(SUBMITTED, String(itemId));
  } catch {
    // no storage, nothing to clean up later
  }
}

// why: a submit that went through leads to another item; only then are its local copies garbage.
function forgetSubmitted(userId: string, currentItemId: number) {
  try {
    const sent = window.sessionStorage.getItem(SUBMITTED);
    if (!sent || sent === String(currentItemId)) return;
    window.sessionStorage.removeItem(SUBMITTED);
    window.localStorage.removeItem(`loupe:draft:${userId}:${sent}`);
    window.localStorage.removeItem(`loupe:submit-key:${userId}:${sent}`);
  } catch {
    // no storage, nothing kept
  }
}

/** The one suggestion per question that fits the template (newest first from the server). */
function usableSuggestions(questions: Question[], outputs: { text: string }[], list: ServerSuggestion[]) {
  const byKey: Record<string, Suggestion> = {};
  for (const s of list) {
    if (byKey[s.questionKey]) continue;
    const template = { version: 0, questions: questions.filter((q) => q.key === s.questionKey) };
    if (template.questions.length && !checkAnswers(template, { [s.questionKey]: s.value }, { outputs }, true).length) {
      byKey[s.questionKey] = { value: s.value, source: s.source, confidence: s.confidence, rationale: s.rationale ?? null };
    }
  }
  return byKey;
}

/**
 * The answers on the review screen: pre-filled from the saved answer or the suggestions, mirrored
 * to localStorage on every change and autosaved to the server (debounced) while reviewing.
 * A draft kept on the device that the server never got wins over the server's copy on reload.
 */
export function useAnswerState(init: {
  userId: string;
  itemId: number;
  questions: Question[];
  outputs: { text: string }[];
  saved: SavedAnswer;
  suggestions: ServerSuggestion[];
  autosave: boolean;
}) {
  const { userId, itemId, autosave } = init;
  const storageKey = `loupe:draft:${userId}:${itemId}`;
  const suggestions = useMemo(() => usableSuggestions(init.questions, init.outputs, init.suggestions), [init.questions, init.outputs, init.suggestions]);
  const [values, setValues] = useState<Answers>(() =>
    init.saved ? init.saved.values : Object.fromEntries(Object.entries(suggestions).map(([k, s]) => [k, s.value])),
  );
  const [touched, setTouched] = useState<string[]>([]);
  const [changes, setChanges] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [restored, setRestored] = useState<"device" | "server" | null>(init.saved?.status === "draft" ? "server" : null);
  const fetcher = useFetcher<DraftReply>({ key: `draft-${itemId}` });
  // why: without an action a fetcher posts to the router's current address; an autosave that fires
  // while the next item is already loading would then land on that item. This is this item's.
  const action = useFormAction();
  const csrf = useRouteLoaderData<{ csrfToken: string }>("root")?.csrfToken ?? "";
  const latest = useRef({ values, touched });
  latest.current = { values, touched };

  useEffect(() => {
    forgetSubmitted(userId, itemId);
    if (!autosave) return writeLocal(storageKey, null);
    const local = readLocal(storageKey);
    const serverAt = init.saved?.status === "draft" ? new Date(init.saved.updatedAt).getTime() : 0;
    if (local && !local.synced && local.savedAt > serverAt) {
      setValues(local.values);
      setTouched(local.touched);
      setRestored("device");
      setChanges(1); // send it to the server too
      setDirty(true);
    }
    // why: restore once, when the item opens (the route remounts this per item).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const save = useCallback(() => {
    setDirty(false);
    fetcher.submit({ _intent: "draft", _item: String(itemId), _values: JSON.stringify(latest.current.values), _csrf: csrf }, { method: "post", action });
  }, [fetcher, csrf, action, itemId]);

  useEffect(() => {
    if (!autosave || changes === 0) return;
    writeLocal(storageKey, { values, touched, savedAt: Date.now(), synced: false });
    const timer = setTimeout(save, AUTOSAVE_MS);
    return () => clearTimeout(timer);
    // why: runs per change (the counter), reading the values of that change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [changes]);

  const reply = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (!reply?.draft) return;
    const local = readLocal(storageKey);
    if (local && same(local.values, latest.current.values)) writeLocal(storageKey, { ...local, synced: true });
  }, [reply, storageKey]);

  useEffect(() => {
    if (!reply?.networkError) return;
    // why: keep trying while offline; the draft is safe on the device meanwhile.
    const retry = () => save();
    const timer = setTimeout(retry, 10_000);
    window.addEventListener("online", retry);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("online", retry);
    };
  }, [reply, save]);

  const setValue = useCallback((key: string, value: unknown) => {
    setValues((current) => {
      const next = { ...current };
      if (value === undefined || (Array.isArray(value) && value.length === 0)) delete next[key];
      else next[key] = value;
      return next;
    });
    setTouched((t) => (t.includes(key) ? t : [...t, key]));
    setChanges((n) => n + 1);
    setDirty(true);
  }, []);

  /** Replaces every answer (the newer version after a conflict) without autosaving it. */
  const replace = useCallback((next: Answers) => {
    setValues(next);
    setTouched(Object.keys(next));
  }, []);

  const submitted = init.saved?.status === "submitted";
  const marked: Record<string, MarkedSuggestion> = Object.fromEntries(
    Object.entries(suggestions).map(([key, s]) => [key, { ...s, state: sameAnswer(values[key], s.value) ? (touched.includes(key) || submitted ? "accepted" : "pending") : "different" }]),
  );

  /**
   * Accepts every suggestion the reviewer has not answered otherwise: pre-filled ones are marked
   * accepted, emptied ones filled again; a different answer the reviewer gave is kept.
   */
  const acceptAll = useCallback(() => {
    const { values: now } = latest.current;
    for (const [key, s] of Object.entries(suggestions)) {
      const current = now[key];
      if (sameAnswer(current, s.value) || current === undefined) setValue(key, s.value);
    }
  }, [suggestions, setValue]);

  let status: SaveStatus = "idle";
  if (fetcher.state !== "idle") status = "saving";
  else if (dirty && autosave) status = "pending";
  else if (reply?.networkError) status = "offline";
  else if (reply?.formError || reply?.fieldErrors) status = "failed";
  else if (reply?.draft) status = "saved";

  /** How many suggestions "accept all" would take: those pre-filled and untouched, or whose answer was emptied. */
  const acceptable = Object.entries(marked).filter(([key, s]) => s.state === "pending" || (s.state === "different" && values[key] === undefined)).length;

  return { values, setValue, replace, suggestions: marked, acceptAll, acceptable, status, restored };
}

/**
 * The idempotency key of this item's submit, made when the item loads and kept on the device, so
 * a submit retried after a lost connection (even after a reload) is recognised as the same one.
 */
export function useSubmitKey(userId: string, itemId: number, fresh: string) {
  const storageKey = `loupe:submit-key:${userId}:${itemId}`;
  const [key, setKey] = useState(fresh);
  useEffect(() => {
    try {
      const kept = window.localStorage.getItem(storageKey);
      if (kept) setKey(kept);
      else window.localStorage.setItem(storageKey, fresh);
    } catch {
      // no storage: the key from this page load still covers retries without a reload
    }
  }, [storageKey, fresh]);
  return key;
}
