import { z } from "zod";
import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { PageHeader, Section } from "~/components/page-header";
import { ReviewerFigures } from "~/components/reviewer-quality";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { computeReviewerQuality } from "~/modules/quality/reviewer-quality.server";
import { letReviewerIn, newOnboardingRound } from "~/modules/review/onboarding.server";
import { formAction, pageLoader } from "~/utils/route.server";
import { parseOrThrow } from "~/utils/validation";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Reviewers · ${data.project.name} · Loupe` : "Reviewers · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const report = await computeReviewerQuality(db, actor, project.id);
  return { project, report, canManage: can({ isAdmin: actor.isAdmin, role: project.role }, "members.manage") };
});

export const action = formAction(async ({ actor, form, params }) => {
  const projectId = params.projectId ?? "";
  const { userId } = parseOrThrow(z.object({ userId: z.uuid({ error: "Choose a reviewer." }) }), { userId: form.text("userId") });
  if (form.text("_intent") === "let-in") {
    await letReviewerIn(db, actor, projectId, userId);
    return { notice: "The reviewer is let in: their queue is open." };
  }
  await newOnboardingRound(db, actor, projectId, userId);
  return { notice: "The reviewer gets a new onboarding round on gold items they have not answered." };
});

export default function ReviewersPage() {
  const { project, report, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title="Reviewers"
        description={
          <Link to={`/projects/${project.id}/quality`} className="text-indigo-700 hover:underline">
            ← Quality of {project.name}
          </Link>
        }
      />
      {result && "notice" in result ? <Alert tone="success">{result.notice}</Alert> : null}
      {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      <p className="mb-4 text-sm text-slate-600">
        Accuracy is the share of answers to gold items that match the gold answer; agreement, the share of answers on other items that match the resolved consensus (their own answer
        counts in it). Both with Wilson 95% intervals. Time per item runs from the item&apos;s lease to the answer.
      </p>
      {report.reviewers.length === 0 ? (
        <EmptyState title="No reviewers yet">Add reviewers to the project; their figures appear here once they answer.</EmptyState>
      ) : (
        report.reviewers.map((r) => (
          <Section key={r.userId ?? r.label} title={r.isYou ? `${r.label} (you)` : r.label}>
            <ReviewerFigures reviewer={r} report={report} />
            {canManage && r.userId && report.onboardingItems > 0 ? (
              <PostForm className="mt-4 flex flex-wrap gap-2">
                <input type="hidden" name="userId" value={r.userId} />
                {r.onboarding?.state !== "passed" ? (
                  <Button name="_intent" value="let-in" disabled={busy} aria-label={`Let ${r.label} in`}>
                    Let in
                  </Button>
                ) : null}
                {r.onboarding ? (
                  <Button name="_intent" value="new-round" variant="secondary" disabled={busy} aria-label={`Give ${r.label} a new round`}>
                    New round
                  </Button>
                ) : null}
              </PostForm>
            ) : null}
          </Section>
        ))
      )}
    </div>
  );
}
