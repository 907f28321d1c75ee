import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import { forwardRef, useRef, useState, type ReactNode } from "react";
import { Markdown } from "~/components/markdown";
import type { CommentView } from "~/modules/research/comment.server";
import { HighlightedText, selectionOffsets } from "./highlighted-text";
import { ScoreBadge } from "./score-badge";

export type PanelTheme = { id: string; name: string; parentId: string | null };
type Shown = Omit<CommentView, "occurredAt"> & { occurredAt: string };

/** Posts one intent to the page's action with the CSRF token (a fetcher: the list keeps its place). */
export function useIntent() {
  const fetcher = useFetcher<{
    formError?: string;
    fieldErrors?: Record<string, string>;
  }>();
  const csrf = useRouteLoaderData<{ csrfToken: string }>("root")?.csrfToken ?? "";
  const send = (intent: string, fields: Record<string, string | number | null | undefined>) => {
    const data: Record<string, string> = { intent, _csrf: csrf };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) data[k] = String(v);
    fetcher.submit(data, { method: "post" });
  };
  return { send, fetcher };
}

/**
 * The open comment: what it says and what it is about, the viewer's themes with memo and quote
 * (select text in the comment to quote it), others' codings unless hidden, and the coded mark.
 */
export const CommentPanel = forwardRef<
  HTMLTextAreaElement,
  {
    comment: Shown;
    themes: PanelTheme[];
    canCode: boolean;
    quoteSetName: string | null;
    onAddQuote: (range: [number, number] | null) => void;
    memoTheme: string | null;
    setMemoTheme: (id: string | null) => void;
  }
>(function CommentPanel({ comment, themes, canCode, quoteSetName, onAddQuote, memoTheme, setMemoTheme }, memoRef) {
  const { send, fetcher } = useIntent();
  const textRef = useRef<HTMLParagraphElement>(null);
  const [selection, setSelection] = useState<[number, number] | null>(null);
  // why: the box shows the click at once (optimistic); the loader's answer then confirms it.
  const pending = fetcher.state !== "idle" && fetcher.formData?.get("intent") === "toggle" ? String(fetcher.formData.get("themeId")) : null;
  const mine = new Map(comment.codings.filter((c) => c.mine).map((c) => [c.themeId, c]));
  const others = comment.codings.filter((c) => !c.mine);
  const themeName = new Map(themes.map((t) => [t.id, t.name]));
  const quotes = [...mine.values()].filter((c) => c.quoteStart !== null && c.quoteEnd !== null).map((c) => [c.quoteStart!, c.quoteEnd!] as [number, number]);
  const merged = mergeRanges(quotes);
  const [quoteTheme, setQuoteTheme] = useState("");
  const chosenQuoteTheme = quoteTheme || [...mine.keys()][0] || "";
  const editing = memoTheme && mine.has(memoTheme) ? memoTheme : [...mine.keys()][0] ?? null;
  return (
    <article aria-labelledby="comment-title" className="space-y-4">
      <header>
        <h2 id="comment-title" className="text-base font-semibold text-slate-900">
          Comment {comment.id}
        </h2>
        <p className="mt-1 flex flex-wrap gap-x-3 text-sm text-slate-600">
          <span>{comment.author.label}</span>
          <ScoreBadge scoreKind={comment.scoreKind} score={comment.score} />
          {comment.segment ? <span>segment {comment.segment}</span> : null}
          {comment.model ? <span>model {comment.model}</span> : null}
          {comment.promptVersion ? <span>prompt {comment.promptVersion}</span> : null}
          <time dateTime={comment.occurredAt}>{comment.occurredAt.slice(0, 16).replace("T", " ")} UTC</time>
        </p>
      </header>
      <p
        ref={textRef}
        data-testid="comment-text"
        className="whitespace-pre-wrap break-words rounded-md border border-slate-200 bg-white p-3 text-slate-900"
        onMouseUp={() => setSelection(selectionOffsets(textRef.current))}
        onKeyUp={() => setSelection(selectionOffsets(textRef.current))}
      >
        <HighlightedText text={comment.comment} ranges={merged} markClassName="rounded bg-indigo-100 px-0.5 text-indigo-950" />
      </p>
      {canCode && selection ? (
        <div className="flex flex-wrap items-end gap-2 rounded-md bg-slate-50 p-2 text-sm" aria-live="polite">
          <span className="text-slate-700">Selected: “{comment.comment.slice(selection[0], selection[1])}”</span>
          {mine.size ? (
            <>
              <label className="flex items-center gap-1">
                Quote for
                <select value={chosenQuoteTheme} onChange={(e) => setQuoteTheme(e.target.value)} className="rounded border-slate-300 py-1 text-sm">
                  {[...mine.keys()].map((id) => (
                    <option key={id} value={id}>
                      {themeName.get(id)}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="rounded bg-indigo-600 px-2 py-1 text-white"
                onClick={() =>
                  send("coding", {
                    feedbackId: comment.id,
                    themeId: chosenQuoteTheme,
                    memo: mine.get(chosenQuoteTheme)?.memo ?? "",
                    quoteStart: selection[0],
                    quoteEnd: selection[1],
                  })
                }
              >
                Set quote
              </button>
            </>
          ) : (
            <span className="text-slate-500">Add a theme to quote this passage for it.</span>
          )}
          {quoteSetName ? (
            <button type="button" className="rounded px-2 py-1 ring-1 ring-slate-300" onClick={() => onAddQuote(selection)}>
              Add passage to {quoteSetName}
            </button>
          ) : null}
        </div>
      ) : null}
      {fetcher.data?.formError || fetcher.data?.fieldErrors ? (
        <p role="alert" className="text-sm text-red-700">
          {fetcher.data.formError ?? Object.values(fetcher.data.fieldErrors ?? {}).join(" ")}
        </p>
      ) : null}
      <section aria-labelledby="themes-title">
        <h3 id="themes-title" className="text-sm font-semibold text-slate-800">
          Your themes
        </h3>
        {themes.length === 0 ? <p className="text-sm text-slate-500">The codebook is empty: add themes on the Codebook page.</p> : null}
        <ul className="mt-1 grid gap-1 sm:grid-cols-2">
          {themes.map((t, i) => (
            <li key={t.id}>
              <label className={`flex items-center gap-2 text-sm ${t.parentId ? "pl-4" : ""}`}>
                <input
                  type="checkbox"
                  checked={pending === t.id ? !mine.has(t.id) : mine.has(t.id)}
                  disabled={!canCode}
                  onChange={() => send("toggle", { feedbackId: comment.id, themeId: t.id })}
                />
                {i < 9 ? <kbd className="rounded border border-slate-300 px-1 font-mono text-xs text-slate-500">{i + 1}</kbd> : null}
                {t.name}
              </label>
            </li>
          ))}
        </ul>
      </section>
      {editing && canCode ? (
        <MemoForm
          key={editing}
          ref={memoRef}
          comment={comment}
          coding={mine.get(editing)!}
          themes={themes}
          themeName={themeName.get(editing) ?? ""}
          onTheme={setMemoTheme}
          send={send}
        />
      ) : null}
      {[...mine.values()].some((c) => c.quoteStart !== null) ? (
        <ul className="space-y-1 text-sm">
          {[...mine.values()]
            .filter((c) => c.quoteStart !== null && c.quoteEnd !== null)
            .map((c) => (
              <li key={c.themeId}>
                <span className="font-medium">{themeName.get(c.themeId)}</span>: “
                <mark className="rounded bg-indigo-100 px-0.5">{comment.comment.slice(c.quoteStart!, c.quoteEnd!)}</mark>”
              </li>
            ))}
        </ul>
      ) : null}
      {others.length ? (
        <Block title="Other coders">
          <ul className="text-sm text-slate-700">
            {others.map((c) => (
              <li key={`${c.coderId}-${c.themeId}`}>
                {themeName.get(c.themeId) ?? "a theme"}
                {c.memo ? ` — ${c.memo}` : ""}
              </li>
            ))}
          </ul>
        </Block>
      ) : comment.othersHidden ? (
        <p className="text-sm text-slate-500">Blind sample: other coders’ work is hidden until the sample is closed.</p>
      ) : null}
      {canCode ? (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span>{comment.codedByMe ? "✓ Coded by you" : "Not coded by you yet"}</span>
          <button
            type="button"
            className="rounded px-2 py-1 ring-1 ring-slate-300"
            onClick={() =>
              send("coded", {
                feedbackId: comment.id,
                coded: comment.codedByMe ? "false" : "true",
              })
            }
          >
            {comment.codedByMe ? "Mark not coded" : "Mark coded"}
          </button>
          {quoteSetName ? (
            <button type="button" className="rounded px-2 py-1 ring-1 ring-slate-300" onClick={() => onAddQuote(null)}>
              Add to {quoteSetName}
            </button>
          ) : null}
        </div>
      ) : null}
      {comment.item ? (
        <Block title={`What it is about (item ${comment.item.id})`}>
          <p className="text-xs font-semibold uppercase text-slate-500">Input</p>
          <pre className="mb-2 max-h-48 overflow-auto whitespace-pre-wrap break-words text-sm">{comment.item.input}</pre>
          {comment.item.outputs.map((o, i) => (
            <div key={i}>
              <p className="text-xs font-semibold uppercase text-slate-500">Output{o.model ? ` · ${o.model}` : ""}</p>
              <div className="max-h-64 overflow-auto">
                <Markdown text={o.text} />
              </div>
            </div>
          ))}
        </Block>
      ) : null}
    </article>
  );
});

const MemoForm = forwardRef<
  HTMLTextAreaElement,
  {
    comment: Shown;
    coding: Shown["codings"][number];
    themes: PanelTheme[];
    themeName: string;
    onTheme: (id: string) => void;
    send: ReturnType<typeof useIntent>["send"];
  }
>(function MemoForm({ comment, coding, themes, themeName, onTheme, send }, ref) {
  const [memo, setMemo] = useState(coding.memo);
  const save = () =>
    send("coding", {
      feedbackId: comment.id,
      themeId: coding.themeId,
      memo,
      quoteStart: coding.quoteStart,
      quoteEnd: coding.quoteEnd,
    });
  const mineIds = comment.codings.filter((c) => c.mine).map((c) => c.themeId);
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2 text-sm">
        <label htmlFor="memo" className="font-medium text-slate-800">
          Memo for {themeName}
        </label>
        {mineIds.length > 1 ? (
          <select aria-label="Memo for theme" value={coding.themeId} onChange={(e) => onTheme(e.target.value)} className="rounded border-slate-300 py-0.5 text-xs">
            {mineIds.map((id) => (
              <option key={id} value={id}>
                {themes.find((t) => t.id === id)?.name}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      <textarea
        id="memo"
        ref={ref}
        rows={3}
        value={memo}
        onChange={(e) => setMemo(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            save();
          }
          if (e.key === "Escape") (e.target as HTMLTextAreaElement).blur();
        }}
        className="w-full rounded-md border-slate-300 text-sm"
      />
      <button type="button" onClick={save} className="rounded bg-indigo-600 px-3 py-1 text-sm text-white">
        Save memo
      </button>
    </div>
  );
});

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-md border border-slate-200 bg-slate-50 p-3">
      <h3 className="mb-1 text-sm font-semibold text-slate-800">{title}</h3>
      {children}
    </section>
  );
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
