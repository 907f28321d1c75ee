import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ConfirmAction } from "~/components/confirm-action";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader } from "~/components/page-header";
import { ScoreBadge } from "~/components/research/score-badge";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { addQuote, deleteQuoteSet, getQuoteSet, moveQuote, removeQuote } from "~/modules/research/quotes.server";
import { NotFoundError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data ? `${data.set.name} · Quote sets · Loupe` : "Quote set · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const { set, quotes } = await getQuoteSet(db, actor, params.setId ?? "");
  if (set.projectId !== project.id) throw new NotFoundError("No such quote set.");
  return {
    project,
    set: { id: set.id, name: set.name, description: set.description },
    quotes,
    canEdit: can({ isAdmin: actor.isAdmin, role: project.role }, "feedback.code"),
  };
});

export const action = formAction(async ({ actor, form, params }) => {
  const setId = params.setId ?? "";
  const feedbackId = Number(form.text("feedbackId"));
  const intent = form.text("intent");
  if (intent === "delete-set") {
    await deleteQuoteSet(db, actor, setId);
    return redirect(`/projects/${params.projectId}/feedback/quotes`);
  }
  if (intent === "up" || intent === "down") await moveQuote(db, actor, setId, feedbackId, intent === "up" ? -1 : 1);
  if (intent === "remove") await removeQuote(db, actor, setId, feedbackId);
  if (intent === "note") {
    const start = form.text("quoteStart");
    const end = form.text("quoteEnd");
    await addQuote(db, actor, setId, {
      feedbackId,
      note: form.text("note"),
      quoteStart: start ? Number(start) : null,
      quoteEnd: end ? Number(end) : null,
    });
  }
  return { ok: true };
});

export default function QuoteSetPage() {
  const { project, set, quotes, canEdit } = useLoaderData<typeof loader>();
  const base = `/projects/${project.id}/feedback/quotes/${set.id}/export`;
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title={set.name}
        description={
          <>
            <Link to={`/projects/${project.id}/feedback/quotes`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              Quote sets
            </Link>{" "}
            · {set.description || "a shareable set of quotes"}
          </>
        }
        actions={
          <div className="flex items-center gap-3 text-sm">
            <a href={`${base}.csv`} download className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              Download CSV
            </a>
            <a href={`${base}.md`} download className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              Download Markdown
            </a>
            {canEdit ? (
              <ConfirmAction label="Delete set" subject={set.name} confirmLabel={`Yes, delete ${set.name}`} intent="delete-set" fields={{}}>
                The comments stay; only this set goes.
              </ConfirmAction>
            ) : null}
          </div>
        }
      />
      <FeedbackNav role={project.role} />
      {quotes.length === 0 ? <p className="text-sm text-slate-500">No quotes yet: press q on a comment in the inbox to add it here.</p> : null}
      <ol className="space-y-3">
        {quotes.map((q, i) => (
          <li key={q.feedbackId} className="rounded-md border border-slate-200 bg-white p-3" data-testid="quote">
            <blockquote className="whitespace-pre-wrap break-words border-l-4 border-indigo-300 pl-3 text-slate-900">{q.text}</blockquote>
            <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-500">
              <span>{q.author.label}</span>
              <ScoreBadge scoreKind={q.scoreKind} score={q.score} />
              {q.segment ? <span>segment {q.segment}</span> : null}
              {q.model ? <span>model {q.model}</span> : null}
              <span>{q.occurredAt.slice(0, 10)}</span>
            </p>
            {canEdit ? (
              <div className="mt-2 flex flex-wrap items-end gap-2">
                <PostForm className="flex items-end gap-2">
                  <input type="hidden" name="intent" value="note" />
                  <input type="hidden" name="feedbackId" value={q.feedbackId} />
                  <input type="hidden" name="quoteStart" value={q.quoteStart ?? ""} />
                  <input type="hidden" name="quoteEnd" value={q.quoteEnd ?? ""} />
                  <label className="flex flex-col text-sm">
                    Note
                    <input name="note" defaultValue={q.note} className="w-72 rounded-md border-slate-300 py-1 text-sm" />
                  </label>
                  <Button variant="secondary">Save note</Button>
                </PostForm>
                {(["up", "down", "remove"] as const).map((intent) =>
                  (intent === "up" && i === 0) || (intent === "down" && i === quotes.length - 1) ? null : (
                    <PostForm key={intent}>
                      <input type="hidden" name="intent" value={intent} />
                      <input type="hidden" name="feedbackId" value={q.feedbackId} />
                      <Button variant={intent === "remove" ? "danger" : "ghost"}>
                        {intent === "up" ? "Move up" : intent === "down" ? "Move down" : "Remove"}
                        <span className="sr-only"> quote {i + 1}</span>
                      </Button>
                    </PostForm>
                  )
                )}
              </div>
            ) : q.note ? (
              <p className="mt-1 text-sm text-slate-700">Note: {q.note}</p>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
