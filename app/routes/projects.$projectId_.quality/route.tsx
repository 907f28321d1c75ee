import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { PageHeader, Section } from "~/components/page-header";
import { db } from "~/db.server";
import { computeCalibration } from "~/modules/calibration/compute-calibration.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { computeQuality } from "~/modules/quality/compute-quality.server";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { CalibrationSection } from "./calibration-section";
import { MetricsTable, ReviewerTable } from "./metric-tables";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Quality · ${data.project.name} · Loupe` : "Quality · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const subject = { isAdmin: actor.isAdmin, role: project.role };
  const report = await computeQuality(db, actor, project.id);
  const calibration = can(subject, "judge.calibration") ? await computeCalibration(db, actor, project.id) : null;
  return { project, report, calibration, canAdjudicate: can(subject, "annotations.adjudicate") };
});

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);

export default function QualityPage() {
  const { project, report, calibration, canAdjudicate } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title="Quality"
        description={
          <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {project.name}
          </Link>
        }
        actions={
          <>
            <Link
              to={`/projects/${project.id}/reviewers`}
              className="inline-flex items-center rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
            >
              Reviewers
            </Link>
            {canAdjudicate ? (
              <Link to={`/projects/${project.id}/adjudicate`} className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700">
                Adjudicate disagreements
              </Link>
            ) : null}
          </>
        }
      />
      {report.questions.length === 0 ? (
        <EmptyState title="Nothing to measure yet">Agreement is measured per question once the project has a template with questions that have a consensus.</EmptyState>
      ) : (
        report.questions.map((q) => (
          <Section
            key={q.key}
            title={`${q.text} (${q.key})`}
            description={
              <span>
                {q.kind} · {q.items.toLocaleString("en")} items · {q.annotations.toLocaleString("en")} answers · {q.reviewers} reviewers · {q.resolved} resolved, {q.unresolved} unresolved,{" "}
                {q.adjudicated} adjudicated · mean consensus agreement {pct(q.consensusAgreement)}
              </span>
            }
          >
            {q.options ? (
              <>
                <p className="mb-2 text-sm text-slate-600">{q.metrics.percentAgreement.reason}</p>
                {q.options.map((o) => (
                  <MetricsTable key={o.option} caption={`Option “${o.option}” (chosen or not)`} metrics={o.metrics} />
                ))}
              </>
            ) : (
              <MetricsTable caption="Agreement" metrics={q.metrics} />
            )}
            {q.perReviewer ? <ReviewerTable rows={q.perReviewer} /> : <p className="mt-4 text-sm text-slate-600">Per-reviewer agreement: {q.perReviewerReason}</p>}
          </Section>
        ))
      )}
      {calibration ? <CalibrationSection report={calibration} /> : null}
    </div>
  );
}
