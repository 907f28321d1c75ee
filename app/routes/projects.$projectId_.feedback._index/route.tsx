import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader } from "~/components/page-header";
import { CommentPanel, useIntent } from "~/components/research/comment-panel";
import { KeyboardHelp } from "~/components/research/keyboard-help";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { markCoded, setCoding, toggleTheme } from "~/modules/research/codings.server";
import { getComment } from "~/modules/research/comment.server";
import { filterFromSearch, searchOfFilter } from "~/modules/research/inbox-filter";
import { inboxFacets, listInbox } from "~/modules/research/inbox.server";
import { addQuote, listQuoteSets } from "~/modules/research/quotes.server";
import { listThemes } from "~/modules/research/themes.server";
import { formAction, pageLoader } from "~/utils/route.server";
import { FilterForm } from "./filter-form";
import { InboxList } from "./inbox-list";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data ? `Feedback · ${data.project.name} · Loupe` : "Feedback · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const search = new URL(request.url).searchParams;
  const filter = filterFromSearch(search);
  const openId = Number(search.get("open"));
  const [page, themes, facets, quoteSets, open] = await Promise.all([
    listInbox(db, actor, project.id, filter, search.get("after")),
    listThemes(db, actor, project.id),
    inboxFacets(db, actor, project.id),
    listQuoteSets(db, actor, project.id),
    Number.isSafeInteger(openId) && openId > 0
      ? getComment(db, actor, openId, {
          sampleView: filter.sample !== undefined,
        }).catch(() => null)
      : null,
  ]);
  return {
    project,
    filter,
    page,
    themes: themes.map((t) => ({
      id: t.id,
      name: t.name,
      parentId: t.parentId,
    })),
    facets,
    quoteSets: quoteSets.map((s) => ({ id: s.id, name: s.name })),
    open: open && open.projectId === project.id ? open : null,
    canCode: can({ isAdmin: actor.isAdmin, role: project.role }, "feedback.code"),
  };
});

const offsets = (start: string, end: string) => (start && end ? { quoteStart: Number(start), quoteEnd: Number(end) } : { quoteStart: null, quoteEnd: null });

export const action = formAction(async ({ actor, form }) => {
  const feedbackId = Number(form.text("feedbackId"));
  const intent = form.text("intent");
  if (intent === "toggle") await toggleTheme(db, actor, feedbackId, form.text("themeId"));
  else if (intent === "coding")
    await setCoding(db, actor, feedbackId, {
      themeId: form.text("themeId"),
      memo: form.text("memo"),
      ...offsets(form.text("quoteStart"), form.text("quoteEnd")),
    });
  else if (intent === "coded") await markCoded(db, actor, feedbackId, form.text("coded") === "true");
  else if (intent === "quote")
    await addQuote(db, actor, form.text("setId"), {
      feedbackId,
      ...offsets(form.text("quoteStart"), form.text("quoteEnd")),
    });
  return { ok: intent };
});

const typing = (target: EventTarget | null) => target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

export default function FeedbackInbox() {
  const { project, filter, page, themes, facets, quoteSets, open, canCode } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const { send } = useIntent();
  const openIndex = open ? page.rows.findIndex((r) => r.id === open.id) : -1;
  const [selected, setSelected] = useState(Math.max(openIndex, 0));
  const [help, setHelp] = useState(false);
  const [memoTheme, setMemoTheme] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const memoRef = useRef<HTMLTextAreaElement>(null);
  const setId = search.get("set") ?? quoteSets[0]?.id ?? "";
  const quoteSet = quoteSets.find((s) => s.id === setId) ?? null;
  const hrefOf = (extra: Record<string, string | number | undefined>) =>
    `?${searchOfFilter(filter, {
      after: search.get("after") ?? undefined,
      set: search.get("set") ?? undefined,
      ...extra,
    }).toString()}`;
  const openRow = (index: number) => {
    const row = page.rows[index];
    if (row) navigate(hrefOf({ open: row.id }), { preventScrollReset: true });
  };
  const addQuote = (range: [number, number] | null) => {
    if (open && quoteSet)
      send("quote", {
        feedbackId: open.id,
        setId: quoteSet.id,
        quoteStart: range?.[0],
        quoteEnd: range?.[1],
      });
  };

  useEffect(() => setSelected(Math.max(openIndex, 0)), [openIndex]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const key = e.key;
      if (key === "j" || key === "ArrowDown") setSelected((s) => Math.min(s + 1, page.rows.length - 1));
      else if (key === "k" || key === "ArrowUp") setSelected((s) => Math.max(s - 1, 0));
      else if (key === "Enter") openRow(selected);
      else if (key === "/") searchRef.current?.focus();
      else if (key === "?") setHelp((h) => !h);
      else if (open && canCode && /^[1-9]$/.test(key) && themes[Number(key) - 1]) {
        const theme = themes[Number(key) - 1]!;
        send("toggle", { feedbackId: open.id, themeId: theme.id });
        setMemoTheme(theme.id);
      } else if (open && canCode && key === "e") memoRef.current?.focus();
      else if (open && canCode && key === "x") {
        send("coded", { feedbackId: open.id, coded: "true" });
        openRow(openIndex + 1);
      } else if (open && canCode && key === "q") addQuote(null);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return (
    <div className="mx-auto max-w-7xl">
      <PageHeader
        title="Feedback"
        description={
          <>
            <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {project.name}
            </Link>{" "}
            · comments from end users and reviewers. Press <kbd className="rounded border px-1 font-mono text-xs">?</kbd> for the keys.
          </>
        }
        actions={
          <div className="flex gap-3 text-sm">
            <Link to={`/projects/${project.id}/feedback/themes`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              Codebook
            </Link>
            <Link to={`/projects/${project.id}/feedback/quotes`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              Quote sets
            </Link>
          </div>
        }
      />
      <FeedbackNav role={project.role} />
      {help ? <KeyboardHelp onClose={() => setHelp(false)} /> : null}
      <FilterForm filter={filter} themes={themes} facets={facets} searchRef={searchRef} quoteSets={quoteSets} setId={setId} />
      <div className="mt-4 grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <InboxList page={page} q={filter.q} selected={selected} openId={open?.id ?? null} hrefOf={hrefOf} />
        <div className="min-w-0">
          {open ? (
            <CommentPanel
              key={open.id}
              ref={memoRef}
              comment={open}
              themes={themes}
              canCode={canCode}
              quoteSetName={quoteSet?.name ?? null}
              onAddQuote={addQuote}
              memoTheme={memoTheme}
              setMemoTheme={setMemoTheme}
            />
          ) : (
            <p className="text-sm text-slate-500">Open a comment (Enter, or click it) to read and code it.</p>
          )}
        </div>
      </div>
    </div>
  );
}
