import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { Markdown } from "~/components/markdown";
import { PageHeader } from "~/components/page-header";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { findHeldByOthers, heldMessage } from "~/modules/review/held-by-others.server";
import { describeOnboarding, getMyOnboarding } from "~/modules/review/onboarding.server";
import { getProgress, getReviewProject } from "~/modules/review/queries.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Review · ${data.project.name} · Loupe` : "Review · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getReviewProject(db, actor, params.projectId ?? "");
  const held = project.canReview ? await findHeldByOthers(db, actor, project.id) : null;
  const onboarding = project.canReview ? await getMyOnboarding(db, actor, project.id) : null;
  return {
    project,
    progress: await getProgress(db, actor, project.id),
    held: held && { ...held, message: heldMessage(held) },
    onboarding: onboarding && { state: onboarding.state, message: describeOnboarding(onboarding) },
  };
});

// Claiming is a write, so it lives here and never in a loader (loaders re-run on revalidation).
export const action = formAction(async ({ actor, params }) => {
  const projectId = params.projectId ?? "";
  const lease = await claimNextItem(db, actor, projectId);
  return lease ? redirect(`/projects/${projectId}/review/${lease.itemId}`) : { empty: true };
});

export default function ReviewStart() {
  const { project, progress, held, onboarding } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const empty = (result && "empty" in result) || params.get("done") === "1";
  const mine = progress.reviewers.find((r) => r.isYou);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title={`Review: ${project.name}`}
        description={`${progress.done} of ${progress.total} items done · ${progress.left} waiting · ${progress.inProgress} in progress`}
        actions={
          <Link to={`/projects/${project.id}/work`} className="inline-flex items-center rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
            My work
          </Link>
        }
      />
      {result && "formError" in result && result.formError ? (
        <p role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          {result.formError}
        </p>
      ) : null}
      {empty && held ? (
        <EmptyState
          title="Others are still reviewing"
          action={
            <PostForm>
              <Button disabled={busy}>{busy ? "Looking…" : "Check again"}</Button>
            </PostForm>
          }
        >
          <p>{held.message}</p>
          <p className="mt-2">An item comes back to the queue if its reviewer skips it or their lease runs out; everything else is done for you.</p>
        </EmptyState>
      ) : empty ? (
        <EmptyState
          title="The queue is done"
          action={
            <Link to={`/projects/${project.id}`} className="text-sm font-medium text-indigo-700 underline">
              Back to the project
            </Link>
          }
        >
          <p>There is nothing left for you to review in this project right now. Thank you!</p>
          <p className="mt-2">
            {progress.done} of {progress.total} items are done{progress.inProgress ? `, ${progress.inProgress} are with other reviewers` : ""}.
            {mine ? ` You answered ${mine.today} today and ${mine.total} in total.` : ""}
          </p>
        </EmptyState>
      ) : (
        <section aria-labelledby="guidelines-title" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h2 id="guidelines-title" className="text-lg font-semibold">
            Guidelines
          </h2>
          {project.guidelines ? <Markdown text={project.guidelines} className="mt-2" /> : <p className="mt-2 text-sm text-slate-600">This project has no guidelines yet.</p>}
          <p className="mt-4 text-sm text-slate-600">
            They stay one click away while you review (press <kbd className="rounded border px-1 font-mono">?</kbd> for all shortcuts).
          </p>
          {onboarding ? (
            <p role={onboarding.state === "failed" ? "alert" : "status"} className="mt-4 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-950">
              {onboarding.message}
            </p>
          ) : null}
          {onboarding?.state === "failed" ? null : project.canReview ? (
            <PostForm className="mt-6">
              <Button disabled={busy}>{busy ? "Finding an item…" : "Start reviewing"}</Button>
            </PostForm>
          ) : (
            <p className="mt-6 text-sm text-slate-600">Your role in this project does not include reviewing.</p>
          )}
        </section>
      )}
    </div>
  );
}
