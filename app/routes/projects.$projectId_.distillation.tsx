import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { queueDatasetBuild } from "~/jobs/boss.server";
import { readClassifierSettings, saveClassifierSettings } from "~/modules/classifier/settings.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { computeDistillationReport } from "~/modules/distillation/compute-report.server";
import type { Policy } from "~/modules/distillation/readiness";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getProject } from "~/modules/projects/queries.server";
import type { Estimate } from "~/modules/stats/estimate";
import { ConflictError, ValidationError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Distillation · ${data.project.name} · Loupe` : "Distillation · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  return { project, report: await computeDistillationReport(db, actor, project.id) };
});

export const action = formAction(
  async ({ actor, form, params }) => {
    const projectId = params.projectId ?? "";
    // why: the settings are read without an actor; a visitor to someone else's project must get its 404, not "choose the question".
    await authorizeProject(db, actor, projectId, "classifier.train");
    const settings = await readClassifierSettings(db, projectId);
    if (!settings) throw new ConflictError("Choose the question the classifier learns on the classifier page first.");
    if (form.text("intent") === "freeze") {
      // why: the snapshot keeps the labels as they are now; its page offers the classification CSV/JSONL/Parquet and OpenAI chat exports.
      const day = new Date().toISOString().slice(0, 10);
      const requested = await requestDataset(db, actor, projectId, {
        name: `Labels of ${settings.questionKey}, ${day}`,
        filter: { status: "resolved", gold: "include" },
        options: { labelQuestion: settings.questionKey },
      });
      await queueDatasetBuild(requested.id);
      return redirect(`/projects/${projectId}/datasets/${requested.id}`);
    }
    const rate = form.text("reviewerHourlyUsd").trim();
    const reviewerHourlyUsd = rate === "" ? null : Number(rate);
    if (reviewerHourlyUsd !== null && !Number.isFinite(reviewerHourlyUsd)) {
      throw new ValidationError("reviewerHourlyUsd: expected an amount.", [{ field: "reviewerHourlyUsd", message: "Expected an amount in US dollars, or empty." }]);
    }
    await saveClassifierSettings(db, actor, projectId, { ...settings, reviewerHourlyUsd });
    return { notice: "Hourly rate saved." };
  },
  { extra: () => ({ notice: undefined }) },
);

const percent = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
const usd = (v: number | null) => (v === null ? "unknown" : v < 0.01 && v > 0 ? `$${v.toFixed(5)}` : `$${v.toFixed(2)}`);
const ms = (v: number | null) => (v === null ? "unknown" : v < 10 ? `${v.toFixed(2)} ms` : v < 10_000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);
const withInterval = (e: Estimate) =>
  e.value === null ? "undefined" : e.interval ? `${percent(e.value)} (${percent(e.interval.low)}–${percent(e.interval.high)})` : percent(e.value);
const policyNames: Record<Policy, string> = { "all-llm": "Every item to the LLM judge", "all-classifier": "Every item to the classifier", hybrid: "The routing policy (hybrid)" };

export default function DistillationPage() {
  const { project, report } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Distillation readiness"
        description={
          <>
            <Link to={`/projects/${project.id}/classifier`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {project.name} · classifier
            </Link>{" "}
            · can the classifier take over from the LLM judge{report.question ? ` on “${report.question.title}”` : ""}?
          </>
        }
      />
      {result && "notice" in result && result.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}

      <Section title="Verdict">
        <p className="text-xl font-semibold text-slate-900" data-testid="verdict">
          {report.verdict.text[0]!.toUpperCase() + report.verdict.text.slice(1)}
        </p>
        <p className="mt-1 text-sm text-slate-600">{report.verdict.detail}</p>
        <p className="mt-3 text-sm text-slate-700" data-testid="labels-needed">
          Labels needed: {report.labelsNeeded.text}
        </p>
      </Section>

      <Section title="Against people's consensus" description="Agreement with a 95% Wilson interval; the classifier's is its held-out accuracy.">
        <table className="w-full text-sm" data-table="routes">
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th scope="col" className="py-1 pr-4">Route</th>
              <th scope="col" className="py-1 pr-4">Agreement (95% CI)</th>
              <th scope="col" className="py-1 pr-4">n</th>
              <th scope="col" className="py-1 pr-4">Cost / item</th>
              <th scope="col" className="py-1">Latency / item</th>
            </tr>
          </thead>
          <tbody>
            {report.routes.length === 0 ? (
              <tr>
                <td colSpan={5} className="py-2 text-slate-500">Nothing measured yet.</td>
              </tr>
            ) : (
              report.routes.map((r) => (
                <tr key={`${r.route}:${r.name}`} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-1 pr-4 text-left font-normal">
                    {r.name}
                    <p className="text-xs text-slate-500">{r.note}</p>
                  </th>
                  <td className="py-1 pr-4" title={r.agreement.reason ?? undefined}>{withInterval(r.agreement)}</td>
                  <td className="py-1 pr-4">{r.n.toLocaleString("en")}</td>
                  <td className="py-1 pr-4">{usd(r.costPerItemUsd)}</td>
                  <td className="py-1">{ms(r.latencyPerItemMs)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </Section>

      <Section title="Monthly cost" description={`At this project's volume: ${report.monthlyItems.toLocaleString("en")} items added in the last 30 days. Savings are against every item going to the LLM judge.`}>
        <table className="w-full text-sm" data-table="savings">
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th scope="col" className="py-1 pr-4">Policy</th>
              <th scope="col" className="py-1 pr-4">A month</th>
              <th scope="col" className="py-1">Saving</th>
            </tr>
          </thead>
          <tbody>
            {report.savings.map((s) => (
              <tr key={s.policy} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-1 pr-4 text-left font-normal">
                  {policyNames[s.policy]}
                  {s.reason ? <p className="text-xs text-slate-500">{s.reason}</p> : null}
                </th>
                <td className="py-1 pr-4">{usd(s.monthlyUsd)}</td>
                <td className="py-1">{usd(s.savingUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.hybrid ? (
          <p className="mt-2 text-xs text-slate-500">
            The hybrid replayed on {report.hybrid.items.toLocaleString("en")} held-out items: {percent(report.hybrid.classifier)} to the classifier, {percent(report.hybrid.llm)} asked of the LLM,{" "}
            {percent(report.hybrid.people)} to people; its machine labels right {withInterval(report.hybrid.accuracy)}.
          </p>
        ) : null}
      </Section>

      {report.question ? (
        <Section title="Settings and labels" description="People's cost per item is the median review time × reviews per item × this rate.">
          <PostForm className="flex flex-wrap items-end gap-4" key={String(report.reviewerHourlyUsd)}>
            <input type="hidden" name="intent" value="hourly-rate" />
            <Field
              label="Reviewer hourly rate (USD)"
              name="reviewerHourlyUsd"
              type="number"
              min={0}
              step="0.01"
              defaultValue={report.reviewerHourlyUsd ?? ""}
              hint="empty: unknown"
              error={errors.reviewerHourlyUsd}
            />
            <Button type="submit" disabled={busy}>
              Save rate
            </Button>
          </PostForm>
          <PostForm className="mt-4">
            <input type="hidden" name="intent" value="freeze" />
            <Button type="submit" disabled={busy}>
              Freeze the labels as a dataset
            </Button>
            <p className="mt-1 text-xs text-slate-500">A snapshot of the resolved items labelled by “{report.question.key}”, to export as classification CSV, JSONL, Parquet or an OpenAI chat dataset.</p>
          </PostForm>
        </Section>
      ) : null}
    </div>
  );
}
