import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { ChartFigure } from "~/components/chart-figure";
import { RoutingPanel } from "~/components/classifier/routing-panel";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { db } from "~/db.server";
import { queueClassifierModel, queueLlmRun } from "~/jobs/boss.server";
import { classifierCharts, topConfusions } from "~/modules/classifier/charts.server";
import { getClassifierOverview, type ClassifierModelSummary } from "~/modules/classifier/queries.server";
import { requestClassifierTraining } from "~/modules/classifier/request-training.server";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { getProject } from "~/modules/projects/queries.server";
import { applyRouting, getRoutingOverview, routingChoices, saveRoutingPolicy } from "~/modules/routing/routing.server";
import { wilsonInterval } from "~/modules/stats/proportion";
import { ValidationError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Classifier · ${data.project.name} · Loupe` : "Classifier · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const overview = await getClassifierOverview(db, actor, project.id);
  const [routing, choices] = await Promise.all([
    getRoutingOverview(db, actor, project.id),
    overview.settings ? routingChoices(db, project.id, overview.settings.questionKey) : { models: [], judges: [] },
  ]);
  const evaluation = overview.current?.evaluation ?? null;
  return {
    project,
    ...overview,
    routing,
    choices,
    charts: evaluation ? classifierCharts(evaluation) : [],
    confusions: evaluation ? topConfusions(evaluation) : [],
    // why: the held-out accuracy is a proportion of the test items; its Wilson interval says how far to trust it.
    accuracyInterval: evaluation?.report.accuracy.value != null ? wilsonInterval(evaluation.confusion.counts.reduce((sum, row, i) => sum + row[i]!, 0), evaluation.confusion.n).interval : null,
  };
});

export const action = formAction(
  async ({ actor, form, params }) => {
    const projectId = params.projectId ?? "";
    const intent = form.text("intent");
    if (intent === "routing-policy") {
      const [providerId, model] = form.text("llmModel").split("|");
      const number = (name: string) => (form.text(name).trim() === "" ? undefined : Number(form.text(name)));
      await saveRoutingPolicy(db, actor, projectId, {
        high: number("high"),
        low: number("low"),
        spotCheck: number("spotCheck"),
        llm: providerId && model ? { providerId, model, promptVersionId: form.text("llmPrompt"), minConfidence: number("llmMinConfidence") ?? null, requireTop2: form.checked("requireTop2") } : null,
      });
      return { notice: "Routing policy saved." };
    }
    if (intent === "routing-apply") {
      const applied = await applyRouting(db, actor, projectId);
      if (applied.asked) await queueLlmRun(applied.asked.runId);
      const items = (count: number) => `${count.toLocaleString("en")} item${count === 1 ? "" : "s"}`;
      return {
        notice: `Machine-labelled ${items(applied.labelled.classifier)} by the classifier and ${items(applied.labelled.llm)} by the LLM${applied.asked ? `; asked the LLM about ${items(applied.asked.items)}` : ""}; ${items(applied.people)} stay for people.${applied.held ? ` ${items(applied.held)} a reviewer holds now ${applied.held === 1 ? "was" : "were"} left alone.` : ""}`,
      };
    }
    if (intent === "train") {
      const model = await requestClassifierTraining(db, actor, projectId);
      await queueClassifierModel(model.id);
      return { notice: `Training v${model.version} on ${model.labels.toLocaleString("en")} labels. Predictions follow when it is done.` };
    }
    const every = form.text("retrainEvery").trim();
    const retrainEvery = every === "" ? null : Number(every);
    if (retrainEvery !== null && !Number.isInteger(retrainEvery)) throw new ValidationError("retrainEvery: expected a whole number.", [{ field: "retrainEvery", message: "Expected a whole number of labels, or empty." }]);
    await saveClassifierSettings(db, actor, projectId, { questionKey: form.text("questionKey"), includeLlm: form.checked("includeLlm"), retrainEvery });
    return { notice: "Settings saved." };
  },
  { extra: () => ({ notice: undefined }) },
);

const percent = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);
const open = (m: ClassifierModelSummary) => m.state === "queued" || m.state === "training";
const when = (iso: string | null) => (iso ? `${new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC` : "—");

export default function ClassifierPage() {
  const { project, settings, questions, canTrain, models, current, charts, confusions, accuracyInterval, routing, choices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { revalidate, state } = useRevalidator();
  const training = models.find(open);
  // why: while a model trains the page follows it; a fixed poll rather than a push, as the datasets page does.
  useEffect(() => {
    if (!training || state !== "idle") return;
    const timer = setTimeout(revalidate, 2000);
    return () => clearTimeout(timer);
  }, [training, state, revalidate]);
  const errors = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  const evaluation = current?.evaluation ?? null;
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Classifier"
        description={
          <>
            <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {project.name}
            </Link>{" "}
            · a text classifier trained on this project&apos;s labels (word and character n-grams, logistic regression). It predicts every unlabelled
            item; each prediction is a suggestion from &ldquo;classifier vN&rdquo; with its confidence.{" "}<Link to={`/projects/${project.id}/distillation`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">Can it replace the LLM judge?</Link>
          </>
        }
      />
      {result && "notice" in result && result.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}

      {questions.length === 0 ? (
        <Alert tone="info">This project&apos;s template has no question a classifier can learn: it needs one answer out of a fixed list (a single choice, or thumbs).</Alert>
      ) : canTrain ? (
        <Section title="Settings" description="Labels come from gold answers, adjudications and reviewers' consensus, strongest first.">
          <PostForm className="grid gap-4 sm:grid-cols-2" key={JSON.stringify(settings)}>
            <input type="hidden" name="intent" value="settings" />
            <SelectField
              label="Question"
              name="questionKey"
              defaultValue={settings?.questionKey ?? questions[0]!.key}
              options={questions.map((q) => ({ value: q.key, label: `${q.title} (${q.key}, ${q.labels.length} classes)` }))}
              error={errors.questionKey}
            />
            <Field
              label="Retrain every"
              name="retrainEvery"
              type="number"
              min={10}
              inputMode="numeric"
              defaultValue={settings?.retrainEvery ?? ""}
              hint="new labels; empty: only when asked"
              error={errors.retrainEvery}
            />
            <CheckboxField label="Count LLM judge answers as labels" name="includeLlm" defaultChecked={settings?.includeLlm ?? false} hint="where no person's label exists; marked llm" />
            <div className="flex items-end">
              <Button type="submit" disabled={busy}>
                Save settings
              </Button>
            </div>
          </PostForm>
          {settings ? (
            <PostForm className="mt-4">
              <input type="hidden" name="intent" value="train" />
              {errors.labels ? <Alert tone="error">{errors.labels}</Alert> : null}
              <Button type="submit" disabled={busy || Boolean(training)}>
                {training ? `v${training.version} is ${training.state === "queued" ? "waiting" : "training"}…` : "Train a new version"}
              </Button>
            </PostForm>
          ) : null}
        </Section>
      ) : null}

      {current && evaluation ? (
        <Section
          title={`Current model: v${current.version}`}
          description={`Trained on ${current.labelCount.toLocaleString("en")} labels (${Object.entries(current.summary?.labels ?? {})
            .filter(([, n]) => n > 0)
            .map(([source, n]) => `${n.toLocaleString("en")} ${source}`)
            .join(", ")}); scored on ${evaluation.testCount.toLocaleString("en")} held-out labels (${evaluation.method === "kfold" ? "k-fold cross-validation" : "a stratified hold-out"}). Predicted ${current.predicted.toLocaleString("en")} unlabelled items.`}
        >
          <dl className="mb-6 grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="model-figures">
            <Figure
              label="Accuracy"
              value={percent(evaluation.report.accuracy.value)}
              note={accuracyInterval ? `95% CI ${percent(accuracyInterval.low)}–${percent(accuracyInterval.high)} (Wilson)` : evaluation.report.accuracy.reason}
            />
            <Figure label="Macro-F1" value={percent(evaluation.report.macroF1.value)} note={evaluation.report.macroF1.reason} />
            <Figure label="Calibration error (ECE)" value={percent(evaluation.expectedCalibrationError)} />
            <Figure label="Training time" value={current.trainingMs === null ? "—" : `${(current.trainingMs / 1000).toFixed(1)} s`} />
          </dl>
          <div className="grid gap-6 lg:grid-cols-2">
            {charts.map((chart) => (
              <ChartFigure key={chart.id} chart={chart} />
            ))}
          </div>
          <table className="mb-6 w-full text-sm" data-table="learning-curve">
            <caption className="mb-1 text-left font-medium text-slate-800">Learning curve</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1 pr-4">Share of labels</th>
                <th scope="col" className="py-1 pr-4">Labels</th>
                <th scope="col" className="py-1 pr-4">Accuracy</th>
                <th scope="col" className="py-1">Macro-F1</th>
              </tr>
            </thead>
            <tbody>
              {evaluation.learningCurve.map((p) => (
                <tr key={p.share} className="border-b border-slate-100">
                  <th scope="row" className="py-1 pr-4 text-left font-normal">{Math.round(p.share * 100)}%</th>
                  <td className="py-1 pr-4">{p.labels.toLocaleString("en")}</td>
                  <td className="py-1 pr-4">{percent(p.accuracy)}</td>
                  <td className="py-1">{percent(p.macroF1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="mb-6 w-full text-sm" data-table="classes">
            <caption className="mb-1 text-left font-medium text-slate-800">Per class (held out)</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1 pr-4">Class</th>
                <th scope="col" className="py-1 pr-4">Support</th>
                <th scope="col" className="py-1 pr-4">Precision</th>
                <th scope="col" className="py-1 pr-4">Recall</th>
                <th scope="col" className="py-1">F1</th>
              </tr>
            </thead>
            <tbody>
              {evaluation.report.classes.map((c) => (
                <tr key={c.label} className="border-b border-slate-100">
                  <th scope="row" className="py-1 pr-4 text-left font-normal">{c.label}</th>
                  <td className="py-1 pr-4">{c.support}</td>
                  <td className="py-1 pr-4" title={c.precision.reason ?? undefined}>{percent(c.precision.value)}</td>
                  <td className="py-1 pr-4" title={c.recall.reason ?? undefined}>{percent(c.recall.value)}</td>
                  <td className="py-1" title={c.f1.reason ?? undefined}>{percent(c.f1.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="mb-6 w-full text-sm" data-table="confusions">
            <caption className="mb-1 text-left font-medium text-slate-800">Most confused (held out)</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1 pr-4">Labelled</th>
                <th scope="col" className="py-1 pr-4">Predicted</th>
                <th scope="col" className="py-1">Items</th>
              </tr>
            </thead>
            <tbody>
              {confusions.length === 0 ? (
                <tr>
                  <td colSpan={3} className="py-2 text-slate-500">No held-out item was mistaken.</td>
                </tr>
              ) : (
                confusions.map((c) => (
                  <tr key={`${c.actual}→${c.predicted}`} className="border-b border-slate-100">
                    <td className="py-1 pr-4">{c.actual}</td>
                    <td className="py-1 pr-4">{c.predicted}</td>
                    <td className="py-1">{c.count}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </Section>
      ) : null}

      {settings ? (
        <Section title="Routing" description="Classifier first, the LLM judge when it is unsure, people when both are.">
          <RoutingPanel routing={routing} choices={choices} errors={errors} busy={busy} />
        </Section>
      ) : null}

      <table className="w-full text-sm" data-table="models">
        <caption className="mb-2 text-left font-medium text-slate-800">Models, newest first</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-2 pr-4">Version</th>
            <th scope="col" className="py-2 pr-4">State</th>
            <th scope="col" className="py-2 pr-4">Labels</th>
            <th scope="col" className="py-2 pr-4">Accuracy</th>
            <th scope="col" className="py-2 pr-4">Macro-F1</th>
            <th scope="col" className="py-2 pr-4">Predicted</th>
            <th scope="col" className="py-2">Asked for</th>
          </tr>
        </thead>
        <tbody>
          {models.length === 0 ? (
            <tr>
              <td colSpan={7} className="py-3 text-slate-500">
                No model yet.
              </td>
            </tr>
          ) : (
            models.map((m) => (
              <tr key={m.id} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-2 pr-4 text-left font-medium">
                  v{m.version} <span className="font-normal text-slate-500">({m.questionKey})</span>
                </th>
                <td className="py-2 pr-4">
                  {m.state}
                  {m.message ? <p className="text-xs text-red-700">{m.message}</p> : null}
                </td>
                <td className="py-2 pr-4">{m.labelCount.toLocaleString("en")}</td>
                <td className="py-2 pr-4">{percent(m.accuracy)}</td>
                <td className="py-2 pr-4">{percent(m.macroF1)}</td>
                <td className="py-2 pr-4">{m.predicted.toLocaleString("en")}</td>
                <td className="py-2">
                  {when(m.createdAt)} · {m.trigger === "auto" ? "automatic" : "on request"}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

function Figure({ label, value, note }: { label: string; value: string; note?: string | null }) {
  return (
    <div className="rounded border border-slate-200 p-3">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-xl font-semibold text-slate-900">{value}</dd>
      {note ? <dd className="text-xs text-slate-500">{note}</dd> : null}
    </div>
  );
}
