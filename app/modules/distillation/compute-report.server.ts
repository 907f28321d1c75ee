import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { computeCalibration } from "~/modules/calibration/compute-calibration.server";
import type { ClassifierEvaluation } from "~/modules/classifier/core";
import { countTrainingLabels } from "~/modules/classifier/labels.server";
import { classifiableQuestions, readClassifierSettings } from "~/modules/classifier/settings.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getRoutingOverview } from "~/modules/routing/routing.server";
import { noEstimate, type Estimate } from "~/modules/stats/estimate";
import { wilsonInterval } from "~/modules/stats/proportion";
import { fitLearningCurve, labelsToReach, type PowerLawFit } from "./learning-curve";
import { distillationVerdict, monthlyCosts, type DistillationVerdict, type HybridShares, type PolicyCost } from "./readiness";

/** One way of labelling an item, measured against people's consensus. */
export type RouteFigures = {
  route: "llm" | "classifier" | "people";
  name: string;
  /** Share of items agreeing with people's consensus (classifier: held-out accuracy), Wilson 95% interval. */
  agreement: Estimate;
  /** Items it was measured on. */
  n: number;
  costPerItemUsd: number | null;
  latencyPerItemMs: number | null;
  /** What the cost and latency rest on, or why they are unknown. */
  note: string;
};

export type LabelsNeeded = {
  /** The best judge's agreement the classifier should reach; null without one. */
  target: number | null;
  currentLabels: number;
  fit: PowerLawFit | null;
  /** Labels (in all, held-out share included) at which the fitted curve reaches the target, and how many more that is; null when not reachable or unknown. */
  labelsAtTarget: number | null;
  moreLabels: number | null;
  text: string;
};

export type DistillationReport = {
  projectId: string;
  question: { key: string; title: string } | null;
  reviewerHourlyUsd: number | null;
  routes: RouteFigures[];
  labelsNeeded: LabelsNeeded;
  /** Items added to the project in the last 30 days: the volume the savings are projected at. */
  monthlyItems: number;
  /** The routing policy's shares, from its replay on held-out items; null without a policy or a model. */
  hybrid: (HybridShares & { accuracy: Estimate; items: number }) | null;
  savings: PolicyCost[];
  verdict: DistillationVerdict;
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Whether the project's classifier can take over from its LLM judge: the judges, the classifier
 * and the reviewers against people's consensus with their costs, the labels still needed, the
 * monthly cost of each policy and a verdict (readiness.ts). Managers and engineers — the
 * "classifier.train" action: the report is the decision to replace the LLM with the classifier
 * they train, and the judge calibration it reuses is theirs only (reviewers get 403, strangers 404).
 * See docs/decisions/0018-distillation-report.md.
 */
export async function computeDistillationReport(db: Db, actor: Actor, projectId: string): Promise<DistillationReport> {
  await authorizeProject(db, actor, projectId, "classifier.train");
  const sql = sqlOf(db);
  const settings = await readClassifierSettings(db, projectId);
  const question = settings ? (await classifiableQuestions(db, projectId)).find((q) => q.key === settings.questionKey) : undefined;
  const monthlyItems = await itemsLastMonth(sql, projectId);
  const reviewerHourlyUsd = settings?.reviewerHourlyUsd ?? null;
  if (!settings || !question) {
    const verdict: DistillationVerdict = { code: "unknown", text: "cannot say yet", detail: "Choose the question the classifier learns on the classifier page first." };
    const labelsNeeded: LabelsNeeded = { target: null, currentLabels: 0, fit: null, labelsAtTarget: null, moreLabels: null, text: "No classifier question yet." };
    return { projectId, question: null, reviewerHourlyUsd, routes: [], labelsNeeded, monthlyItems, hybrid: null, savings: monthlyCosts(monthlyItems, { llm: null, classifier: 0, people: null }, null), verdict };
  }

  const calibration = (await computeCalibration(db, actor, projectId)).questions.find((q) => q.key === question.key);
  const judges = await Promise.all(
    (calibration?.judges ?? []).map(async (j): Promise<RouteFigures & { counted: boolean }> => {
      const run = await judgeRunCosts(sql, j.model, j.promptVersionId);
      return {
        route: "llm",
        name: j.prompt ? `${j.model} · ${j.prompt}` : j.model,
        agreement: j.agreement,
        n: j.items,
        costPerItemUsd: run.cost,
        latencyPerItemMs: run.latency,
        note: run.items ? `Mean of ${run.items} judged item(s) of its runs.` : "No recorded run items of this judge: cost and latency unknown.",
        counted: j.items >= (calibration?.minItems ?? 0),
      };
    }),
  );
  // why: the judge to beat is the best measured on enough items; one lucky item would set an unreachable bar.
  const best = judges.filter((j) => j.counted && j.agreement.value !== null).sort((a, b) => b.agreement.value! - a.agreement.value! || b.n - a.n)[0] ?? null;

  const model = await newestReadyModel(sql, projectId, question.key);
  const classifier = model ? classifierFigures(model) : null;
  const people = await peopleFigures(sql, projectId, reviewerHourlyUsd, calibration?.reviewers ?? []);

  const currentLabels = await countTrainingLabels(sql, projectId, question.key, settings.includeLlm);
  const labelsNeeded = neededLabels(model?.evaluation ?? null, best?.agreement.value ?? null, currentLabels);

  const routing = await getRoutingOverview(db, actor, projectId, { peopleUsdPerItem: people.costPerItemUsd });
  const simulation = routing.simulation;
  const hybrid =
    simulation && simulation.items > 0
      ? {
          classifier: simulation.counts.classifier / simulation.items,
          llm: simulation.llmCalls / simulation.items,
          people: simulation.peopleItems / simulation.items,
          llmUsdPerItem: routing.llmUsdPerItem,
          accuracy: simulation.automatedAccuracy,
          items: simulation.items,
        }
      : null;
  const savings = monthlyCosts(monthlyItems, { llm: best?.costPerItemUsd ?? null, classifier: classifier?.costPerItemUsd ?? 0, people: people.costPerItemUsd }, hybrid);
  const verdict = distillationVerdict({
    llm: best ? { agreement: best.agreement, costPerItem: best.costPerItemUsd } : null,
    classifier: classifier ? { accuracy: classifier.agreement, costPerItem: classifier.costPerItemUsd ?? 0 } : null,
    moreLabels: labelsNeeded.moreLabels,
    hybrid: hybrid ? { accuracy: hybrid.accuracy, savingUsd: savings.find((s) => s.policy === "hybrid")!.savingUsd } : null,
  });
  return {
    projectId,
    question: { key: question.key, title: question.title },
    reviewerHourlyUsd,
    routes: [...judges.map(({ counted: _c, ...j }) => j), ...(classifier ? [classifier] : []), people],
    labelsNeeded,
    monthlyItems,
    hybrid,
    savings,
    verdict,
  };
}

type ReadyModel = { version: number; evaluation: ClassifierEvaluation | null; predicted: number; predictMs: number | null };

async function newestReadyModel(sql: postgres.Sql, projectId: string, key: string): Promise<ReadyModel | null> {
  const [row] = await sql<ReadyModel[]>`
    select version, evaluation, predicted, predict_ms as "predictMs" from classifier_models
    where project_id = ${projectId} and question_key = ${key} and state = 'ready' order by version desc limit 1`;
  return row ?? null;
}

/** The model's held-out accuracy with the Wilson interval of its confusion matrix; latency from its last prediction pass; compute counted as free. */
function classifierFigures(model: ReadyModel): RouteFigures {
  const confusion = model.evaluation?.confusion;
  const right = confusion ? confusion.counts.reduce((sum, row, i) => sum + row[i]!, 0) : 0;
  const agreement = confusion ? wilsonInterval(right, confusion.n) : noEstimate("The model has no evaluation.");
  const latency = model.predicted > 0 && model.predictMs !== null ? model.predictMs / model.predicted : null;
  return {
    route: "classifier",
    name: `classifier v${model.version}`,
    agreement,
    n: confusion?.n ?? 0,
    costPerItemUsd: 0,
    latencyPerItemMs: latency,
    note:
      `Held-out accuracy against the labels (gold, adjudicated, consensus), not the judges' items. Cost assumed $0: it runs in the app's own process. ` +
      (latency === null ? "Latency unknown: the model has predicted no item yet." : `Latency: ${model.predictMs} ms for ${model.predicted} predicted item(s).`),
  };
}

/** Mean recorded cost and latency per item over the finished items of the judge's runs. */
async function judgeRunCosts(sql: postgres.Sql, model: string, promptVersionId: string | null): Promise<{ cost: number | null; latency: number | null; items: number }> {
  const [row] = await sql<{ cost: number | null; latency: number | null; items: number }[]>`
    select avg(ri.cost_usd)::float8 as cost, avg(ri.latency_ms)::float8 as latency, count(*)::int as items
    from llm_run_items ri join llm_runs r on r.id = ri.run_id
    where r.kind = 'judge' and r.model = ${model} and r.prompt_version_id is not distinct from ${promptVersionId} and ri.state = 'done'`;
  return row ?? { cost: null, latency: null, items: 0 };
}

/**
 * Reviewers among themselves: each reviewer against the consensus of the others (calibration's
 * figures), pooled into one Wilson interval; cost from the median submitted annotation time
 * times the reviews an item takes, at the hourly rate.
 */
async function peopleFigures(
  sql: postgres.Sql,
  projectId: string,
  hourlyUsd: number | null,
  reviewers: { items: number; agreement: Estimate }[],
): Promise<RouteFigures> {
  const counted = reviewers.filter((r) => r.agreement.value !== null);
  const n = counted.reduce((s, r) => s + r.items, 0);
  const agreed = counted.reduce((s, r) => s + Math.round(r.agreement.value! * r.items), 0);
  const agreement = n
    ? { ...wilsonInterval(agreed, n), basis: `${counted.length} reviewer(s), each against the consensus of the others; an item counts once per reviewer` }
    : noEstimate("No resolved item that a judge answered has two or more reviewers' answers, so reviewers cannot be set against each other.");
  const [time] = await sql<{ median: number | null; annotations: number; items: number }[]>`
    select percentile_cont(0.5) within group (order by duration_ms)::float8 as median, count(*)::int as annotations, count(distinct item_id)::int as items
    from annotations where project_id = ${projectId} and status = 'submitted' and duration_ms is not null`;
  const median = time?.median ?? null;
  const perItem = time && time.items ? time.annotations / time.items : null;
  const cost = median !== null && perItem !== null && hourlyUsd !== null ? (median / 3_600_000) * hourlyUsd * perItem : null;
  const note =
    median === null
      ? "No submitted annotation has a recorded duration: cost and latency unknown."
      : `Median review ${(median / 1000).toFixed(1)} s over ${time!.annotations} annotation(s), ${perItem!.toFixed(2)} review(s) per item; ` +
        (hourlyUsd === null ? "cost unknown: set an hourly rate." : `at $${hourlyUsd.toFixed(2)} an hour.`);
  return { route: "people", name: "reviewers", agreement, n, costPerItemUsd: cost, latencyPerItemMs: median, note };
}

/**
 * Fits the learning curve and solves it for the target. The curve counts training labels; the
 * evaluation held out the rest, so the answer is scaled by labelCount / trainCount to labels in all.
 */
function neededLabels(evaluation: ClassifierEvaluation | null, target: number | null, currentLabels: number): LabelsNeeded {
  const none = (text: string, fit: PowerLawFit | null = null): LabelsNeeded => ({ target, currentLabels, fit, labelsAtTarget: null, moreLabels: null, text });
  if (target === null) return none("No LLM judge was measured on enough items to set a target.");
  if (!evaluation) return none("No ready classifier model, so no learning curve.");
  const fitted = fitLearningCurve(evaluation.learningCurve);
  if (!fitted.fit) return none(fitted.reason);
  const reach = labelsToReach(fitted.fit, target);
  if (reach.labels === null) return none(reach.reason, fitted.fit);
  const labelsAtTarget = Math.ceil((reach.labels * evaluation.labelCount) / Math.max(1, evaluation.trainCount));
  const moreLabels = Math.max(0, labelsAtTarget - currentLabels);
  return {
    target,
    currentLabels,
    fit: fitted.fit,
    labelsAtTarget,
    moreLabels,
    text: moreLabels
      ? `About ${labelsAtTarget.toLocaleString("en")} labels (${moreLabels.toLocaleString("en")} more than the ${currentLabels.toLocaleString("en")} there are) to reach the judge's ${pct(target)}.`
      : `The learning curve says the ${currentLabels.toLocaleString("en")} labels there are already reach the judge's ${pct(target)}.`,
  };
}

async function itemsLastMonth(sql: postgres.Sql, projectId: string): Promise<number> {
  const [row] = await sql<[{ n: number }]>`select count(*)::int as n from items where project_id = ${projectId} and created_at > now() - interval '30 days'`;
  return row.n;
}
