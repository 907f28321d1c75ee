import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { DateTime } from "~/components/date-time";
import { EmptyState } from "~/components/empty-state";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { ReviewerFigures } from "~/components/reviewer-quality";
import { computeReviewerQuality } from "~/modules/quality/reviewer-quality.server";
import { describeMyWork } from "~/modules/review/describe-work";
import { listMySkipped, listMyWork } from "~/modules/review/queries.server";
import { returnSkippedItem } from "~/modules/review/return-skipped.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "My work · Loupe" }];

const pageSchema = z.object({ before: z.iso.datetime().optional(), beforeId: z.uuid().optional() });

export const loader = pageLoader(async ({ actor, request, params }) => {
  const projectId = params.projectId ?? "";
  const page = pageSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const before = page.success && page.data.before && page.data.beforeId ? { updatedAt: new Date(page.data.before), id: page.data.beforeId } : undefined;
  const [work, skipped, quality] = await Promise.all([
    listMyWork(db, actor, projectId, { before, limit: 50 }),
    before ? Promise.resolve([]) : listMySkipped(db, actor, projectId),
    // Your own figures only (accuracy on gold, agreement, speed), on the first page.
    before ? Promise.resolve(null) : computeReviewerQuality(db, actor, projectId, { mine: true }),
  ]);
  // why: each answer in the words of the template version it answered (a few versions at most per page).
  const versions = [...new Set(work.rows.map((r) => r.templateVersion))];
  const templates = new Map(await Promise.all(versions.map(async (v) => [v, (await getTemplate(db, projectId, v))?.questions] as const)));
  const rows = work.rows.map(({ values, templateVersion, ...row }) => ({
    ...row,
    answers: describeMyWork(templates.get(templateVersion), (values ?? {}) as Record<string, unknown>),
  }));
  return { projectId, work: { rows, next: work.next }, skipped, quality };
});

export const action = formAction(async ({ actor, form, params }) => {
  const itemId = Number(form.text("itemId"));
  await returnSkippedItem(db, actor, itemId);
  throw redirect(`/projects/${params.projectId}/review/${itemId}`);
});

export default function MyWork() {
  const { projectId, work, skipped, quality } = useLoaderData<typeof loader>();
  const me = quality?.reviewers[0];
  const refused = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div>
      <PageHeader
        title="My work"
        description="Your answers in this project, most recently changed first. Open one to change it."
        actions={
          <Link to={`/projects/${projectId}/review`} className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700">
            Review
          </Link>
        }
      />
      {work.rows.length === 0 ? (
        <EmptyState title="Nothing yet">Answers you submit or start appear here.</EmptyState>
      ) : (
        <ul aria-label="Your answers" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
          {work.rows.map((row) => (
            <li key={row.id}>
              <Link to={`/projects/${projectId}/review/${row.itemId}`} className="block px-4 py-3 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600">
                <span className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium text-slate-900">Item #{row.itemId}</span>
                  <span className="text-xs text-slate-500">
                    <span className={`mr-2 rounded px-1.5 py-0.5 font-medium ${row.status === "submitted" ? "bg-emerald-100 text-emerald-800" : "bg-amber-100 text-amber-800"}`}>
                      {row.status === "submitted" ? "Submitted" : "Draft"}
                    </span>
                    {row.edited ? <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700">Edited</span> : null}
                    <DateTime value={row.updatedAt} withTime />
                  </span>
                </span>
                <span className="mt-1 block truncate text-sm text-slate-600">{row.preview || "(no prompt)"}</span>
                <span className="mt-0.5 block truncate text-xs text-slate-500">{row.answers.length ? row.answers.join(" · ") : "No answers yet"}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {skipped.length ? (
        <div>
          <Section title="Skipped" description="Items you skipped never come back by themselves. Review one now if it still needs an answer.">
            {refused && "formError" in refused && refused.formError ? <Alert tone="error">{refused.formError}</Alert> : null}
            <ul aria-label="Skipped items" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
              {skipped.map((row) => (
                <li key={row.item_id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                  <span className="min-w-0 flex-1">
                    <span className="block font-medium text-slate-900">Item #{row.item_id}</span>
                    <span className="mt-1 block truncate text-sm text-slate-600">{row.preview || "(no prompt)"}</span>
                    <span className="mt-0.5 block text-xs text-slate-500">
                      Skipped <DateTime value={row.skipped_at} withTime />
                      {row.reason ? ` · ${row.reason}` : ""}
                    </span>
                  </span>
                  {row.open ? (
                    <PostForm>
                      <input type="hidden" name="itemId" value={row.item_id} />
                      <Button disabled={busy} aria-label={`Review item #${row.item_id} now`}>
                        Review it now
                      </Button>
                    </PostForm>
                  ) : (
                    <span className="text-xs text-slate-500">No longer needs an answer</span>
                  )}
                </li>
              ))}
            </ul>
          </Section>
        </div>
      ) : null}
      {work.next ? (
        <p className="mt-4">
          <Link
            to={`?before=${encodeURIComponent(new Date(work.next.updatedAt).toISOString())}&beforeId=${work.next.id}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older answers
          </Link>
        </p>
      ) : null}
      {quality && me ? (
        <Section title="Your quality" description="How your answers compare with gold answers and with the consensus. Other reviewers never see them.">
          <ReviewerFigures reviewer={me} report={quality} />
        </Section>
      ) : null}
    </div>
  );
}
