import { Link } from "@remix-run/react";
import { HighlightedText } from "~/components/research/highlighted-text";
import { ScoreBadge } from "~/components/research/score-badge";
import { highlightRanges } from "~/modules/research/inbox-filter";
import type { InboxPage } from "~/modules/research/inbox.server";

/** The page of comments: the selected row (j/k) outlined, the open one shaded, search words marked. */
export function InboxList({
  page,
  q,
  selected,
  openId,
  hrefOf,
}: {
  page: InboxPage;
  q?: string;
  selected: number;
  openId: number | null;
  hrefOf: (extra: Record<string, string | number | undefined>) => string;
}) {
  return (
    <section aria-labelledby="list-title" className="min-w-0">
      <h2 id="list-title" className="mb-2 text-sm text-slate-600">
        <span data-testid="match-count">{page.countLabel}</span> {page.count === 1 ? "comment" : "comments"}
      </h2>
      {page.rows.length === 0 ? <p className="text-sm text-slate-500">No comments match.</p> : null}
      <ol className="space-y-1">
        {page.rows.map((r, i) => (
          <li key={r.id}>
            <Link
              to={hrefOf({ open: r.id })}
              preventScrollReset
              aria-current={r.id === openId ? "true" : undefined}
              data-selected={i === selected ? "true" : undefined}
              className={`block rounded-md border p-2 text-sm ${r.id === openId ? "border-indigo-400 bg-indigo-50" : "border-slate-200 bg-white hover:bg-slate-50"} ${
                i === selected ? "ring-2 ring-indigo-500" : ""
              }`}
            >
              <span className="line-clamp-3 whitespace-pre-wrap break-words text-slate-900">
                <HighlightedText text={r.comment} ranges={highlightRanges(r.comment, q)} />
              </span>
              <span className="mt-1 flex flex-wrap gap-x-2 text-xs text-slate-500">
                <span>{r.author.label}</span>
                <ScoreBadge scoreKind={r.scoreKind} score={r.score} />
                {r.segment ? <span>{r.segment}</span> : null}
                {r.model ? <span>{r.model}</span> : null}
                <span>{r.occurredAt.slice(0, 10)}</span>
                {r.codedByMe ? <span className="text-emerald-700">✓ coded</span> : null}
                {r.themes.length ? <span className="text-indigo-700">{r.themes.map((t) => t.name).join(", ")}</span> : null}
              </span>
            </Link>
          </li>
        ))}
      </ol>
      <nav aria-label="Pages" className="mt-3 flex gap-4 text-sm">
        <Link to={hrefOf({ after: "" })} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
          First page
        </Link>
        {page.next ? (
          <Link to={hrefOf({ after: page.next })} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            Next page
          </Link>
        ) : null}
      </nav>
    </section>
  );
}
