import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { classifiedQuestion, type ClassifiedQuestion } from "~/modules/classifier/question";
import { readClassifierSettings } from "~/modules/classifier/settings.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { can } from "~/modules/projects/policy";
import type { Question } from "~/modules/questions";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { emptyCounts, machineLabel, routeItem, routingPolicySchema, simulateRouting, type RouteCounts, type RoutedItem, type RoutingPolicy, type RoutingPolicyInput, type Simulation } from "./policy";

// why: one statement of reads and one of writes per batch keeps memory flat on a big project.
const BATCH = 2000;

type Setup = { question: ClassifiedQuestion; modelId: string; version: number };

/** The project's routing policy, or null when it has none. */
export async function readRoutingPolicy(db: Db, projectId: string): Promise<RoutingPolicy | null> {
  const [row] = await sqlOf(db)<{ high: number; low: number; spot_check: number; llm_provider_id: string | null; llm_model: string | null; llm_prompt_version_id: string | null; llm_min_confidence: number | null; require_top2: boolean }[]>`
    select high, low, spot_check, llm_provider_id, llm_model, llm_prompt_version_id, llm_min_confidence, require_top2 from routing_policies where project_id = ${projectId}`;
  if (!row) return null;
  const llm =
    row.llm_provider_id && row.llm_model && row.llm_prompt_version_id
      ? { providerId: row.llm_provider_id, model: row.llm_model, promptVersionId: row.llm_prompt_version_id, minConfidence: row.llm_min_confidence, requireTop2: row.require_top2 }
      : null;
  return { high: row.high, low: row.low, spotCheck: row.spot_check, llm };
}

/**
 * Sets the project's routing policy (managers and engineers). The LLM, when given, must be an
 * enabled provider offering the model, and a judge prompt version of this project that asks the
 * classifier's question.
 */
export async function saveRoutingPolicy(db: Db, actor: Actor, projectId: string, input: RoutingPolicyInput): Promise<RoutingPolicy> {
  const access = await authorizeProject(db, actor, projectId, "classifier.train");
  if (access.archived) throw new ConflictError("The project is archived.");
  const policy = parseOrThrow(routingPolicySchema, input);
  const settings = await readClassifierSettings(db, projectId);
  if (!settings) throw new ValidationError("questionKey: Choose the question the classifier learns first.", [{ field: "questionKey", message: "Choose the question the classifier learns first." }]);
  const sql = sqlOf(db);
  if (policy.llm) {
    const fail = (field: string, message: string) => new ValidationError(`llm.${field}: ${message}`, [{ field: `llm.${field}`, message }]);
    const [provider] = await sql<{ enabled: boolean; models: { id: string }[]; name: string }[]>`select enabled, models, name from llm_providers where id = ${policy.llm.providerId}`;
    if (!provider?.enabled) throw fail("providerId", "No enabled provider has this id.");
    if (!provider.models.some((m) => m.id === policy.llm!.model)) throw fail("model", `${provider.name} offers ${provider.models.map((m) => m.id).join(", ") || "no models"}, not ${policy.llm.model}.`);
    const [prompt] = await sql<{ purpose: string; questions: string[] }[]>`
      select purpose, questions from prompt_versions where id = ${policy.llm.promptVersionId} and project_id = ${projectId}`;
    if (!prompt || prompt.purpose !== "judge" || !prompt.questions.includes(settings.questionKey)) {
      throw fail("promptVersionId", `Choose a judge prompt version of this project that asks question ${settings.questionKey}.`);
    }
  }
  await db.transaction(async (tx) => {
    const t = sqlOf(tx);
    const l = policy.llm;
    await t`
      insert into routing_policies (project_id, high, low, spot_check, llm_provider_id, llm_model, llm_prompt_version_id, llm_min_confidence, require_top2)
      values (${projectId}, ${policy.high}, ${policy.low}, ${policy.spotCheck}, ${l?.providerId ?? null}, ${l?.model ?? null}, ${l?.promptVersionId ?? null}, ${l?.minConfidence ?? null}, ${l?.requireTop2 ?? false})
      on conflict (project_id) do update set high = excluded.high, low = excluded.low, spot_check = excluded.spot_check, llm_provider_id = excluded.llm_provider_id,
        llm_model = excluded.llm_model, llm_prompt_version_id = excluded.llm_prompt_version_id, llm_min_confidence = excluded.llm_min_confidence,
        require_top2 = excluded.require_top2, updated_at = now()`;
    await recordAudit(tx, { actorUserId: actor.userId, action: "routing.policy", targetType: "project", targetId: projectId, data: policy as unknown as Record<string, unknown> });
  });
  return policy;
}

export type RoutingOverview = {
  policy: RoutingPolicy | null;
  canManage: boolean;
  model: { id: string; version: number } | null;
  /** Where the unlabelled items the newest model predicted would go now (items already machine-labelled are in `labelled`). */
  counts: RouteCounts;
  /** Items machine-labelled so far, by source. */
  labelled: { classifier: number; llm: number };
  /** The policy replayed on the model's held-out labelled items; null without a policy or held-out predictions. */
  simulation: Simulation | null;
  /** The LLM judge's recorded cost per item, from its runs. */
  llmUsdPerItem: number | null;
};

/** The routing page's picture: the policy, the live counts per route, and the simulation. Managers, engineers, researchers. */
export async function getRoutingOverview(db: Db, actor: Actor, projectId: string, options: { peopleUsdPerItem?: number | null } = {}): Promise<RoutingOverview> {
  const access = await authorizeProject(db, actor, projectId, "quality.view");
  const policy = await readRoutingPolicy(db, projectId);
  const setup = await routingSetup(db, projectId);
  const sql = sqlOf(db);
  const counts = emptyCounts();
  const labelled = { classifier: 0, llm: 0 };
  for (const row of await sql<{ source: "classifier" | "llm"; n: number }[]>`
    select source, count(*)::int as n from machine_labels where project_id = ${projectId} group by source`) labelled[row.source] = row.n;
  let simulation: Simulation | null = null;
  const llmUsdPerItem = policy?.llm ? await llmCostPerItem(sql, policy.llm.model, policy.llm.promptVersionId) : null;
  if (policy && setup) {
    await walkPredictions(sql, projectId, setup, policy, async (batch) => {
      for (const item of batch) counts[routeItem(policy, item)]++;
    });
    simulation = await simulate(sql, setup, policy, { llmUsdPerItem, peopleUsdPerItem: options.peopleUsdPerItem ?? null });
  }
  return {
    policy,
    canManage: can({ isAdmin: actor.isAdmin, role: access.role }, "classifier.train") && !access.archived,
    model: setup ? { id: setup.modelId, version: setup.version } : null,
    counts,
    labelled,
    simulation,
    llmUsdPerItem,
  };
}

export type RoutingResult = {
  labelled: { classifier: number; llm: number };
  asked: { runId: string; items: number } | null;
  people: number;
  /** Items a machine would have labelled but a reviewer held (a live lease) or answered meanwhile: left as they are. */
  held: number;
};

/**
 * Applies the policy to the unlabelled items the newest model predicted: machine labels for the
 * sure ones (and for LLM answers that pass), which leave the review queue; an LLM judge run over
 * the items in between that it has not answered yet (none while one of the policy's model and
 * prompt is still running), created here and queued by the caller (`asked`); the rest stay for people. Items someone answered, or holds a live
 * lease on, are left alone; a person's label, if one comes later, wins over the machine's.
 */
export async function applyRouting(db: Db, actor: Actor, projectId: string): Promise<RoutingResult> {
  const access = await authorizeProject(db, actor, projectId, "classifier.train");
  if (access.archived) throw new ConflictError("The project is archived.");
  const policy = await readRoutingPolicy(db, projectId);
  if (!policy) throw new ValidationError("policy: Set the routing policy first.", [{ field: "policy", message: "Set the routing policy first." }]);
  const setup = await routingSetup(db, projectId);
  if (!setup) throw new ValidationError("model: Train a classifier model first: routing follows its predictions.", [{ field: "model", message: "Train a classifier model first: routing follows its predictions." }]);
  const sql = sqlOf(db);
  const result: RoutingResult = { labelled: { classifier: 0, llm: 0 }, asked: null, people: 0, held: 0 };
  const pending: number[] = [];
  await walkPredictions(sql, projectId, setup, policy, async (batch) => {
    const picked = batch.flatMap((item) => {
      const route = routeItem(policy, item);
      if (route === "llm-pending") pending.push(item.itemId);
      if (route === "people" || route === "spot-check" || route === "llm-rejected") result.people++;
      const label = machineLabel(route, item);
      return label ? [{ item_id: item.itemId, value: label.label, source: label.source, confidence: label.confidence }] : [];
    });
    if (!picked.length) return;
    const written = await sql<{ source: "classifier" | "llm" }[]>`
      with picked as (select * from jsonb_to_recordset(${JSON.stringify(picked)}::jsonb) as r(item_id bigint, value text, source text, confidence real)),
      closed as (
        update items i set status = 'done' from picked p
        where i.id = p.item_id and i.project_id = ${projectId} and i.status = 'open' and i.submitted_count = 0
          and not exists (select 1 from assignments a where a.item_id = i.id and a.state = 'leased' and a.expires_at > now())
        returning i.id)
      insert into machine_labels (item_id, project_id, question_key, value, source, confidence, model_id, llm_model, prompt_version_id)
      select p.item_id, ${projectId}, ${setup.question.key}, to_jsonb(p.value), p.source, p.confidence, ${setup.modelId},
        case when p.source = 'llm' then ${policy.llm?.model ?? null} end, case when p.source = 'llm' then ${policy.llm?.promptVersionId ?? null}::uuid end
      from picked p join closed c on c.id = p.item_id
      on conflict (item_id, question_key) do nothing
      returning source`;
    for (const w of written) result.labelled[w.source]++;
    result.held += picked.length - written.length;
  });
  if (policy.llm && pending.length) {
    const [running] = await sql`
      select 1 from llm_runs where project_id = ${projectId} and kind = 'judge' and model = ${policy.llm.model}
        and prompt_version_id = ${policy.llm.promptVersionId} and state in ('queued', 'running') limit 1`;
    if (!running) {
      const run = await createLlmRun(db, actor, projectId, {
        kind: "judge",
        providerId: policy.llm.providerId,
        model: policy.llm.model,
        promptVersionId: policy.llm.promptVersionId,
        filter: { type: "ids", ids: pending.slice(0, 100_000) },
      });
      result.asked = { runId: run.id, items: run.total };
    }
  }
  await recordAudit(db, { actorUserId: actor.userId, action: "routing.apply", targetType: "project", targetId: projectId, data: { ...result } });
  return result;
}

/** The classifier's question and the newest ready model, or null when there is none. */
async function routingSetup(db: Db, projectId: string): Promise<Setup | null> {
  const settings = await readClassifierSettings(db, projectId);
  if (!settings) return null;
  const template = await getTemplate(db, projectId);
  const raw = template?.questions.find((q) => q.key === settings.questionKey);
  const question = raw ? classifiedQuestion(raw as Question) : null;
  if (!question) return null;
  const [model] = await sqlOf(db)<{ id: string; version: number }[]>`
    select id, version from classifier_models where project_id = ${projectId} and question_key = ${question.key} and state = 'ready' order by version desc limit 1`;
  return model ? { question, modelId: model.id, version: model.version } : null;
}

/** A suggestion's stored class probabilities, most probable first. */
const rankedClasses = (probabilities: Record<string, number> | null) =>
  Object.entries(probabilities ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) as [string, number][];

/**
 * The open, unanswered, not yet machine-labelled items the model predicted, in id order a batch at
 * a time, each with its top classes and the policy LLM's newest answer (when it has one).
 */
async function walkPredictions(sql: postgres.Sql, projectId: string, setup: Setup, policy: RoutingPolicy, each: (batch: RoutedItem[]) => Promise<void>): Promise<void> {
  const key = setup.question.key;
  let after = 0;
  for (;;) {
    const rows = await sql<{ item_id: string; probabilities: Record<string, number> | null; llm_value: unknown; llm_confidence: number | null; has_llm: boolean }[]>`
      select s.item_id, s.probabilities, l.value as llm_value, l.confidence as llm_confidence, l.value is not null as has_llm
      from suggestions s
      join items i on i.id = s.item_id
      left join lateral (
        select x.value, x.confidence from suggestions x
        where ${policy.llm !== null} and x.item_id = s.item_id and x.question_key = ${key} and x.origin = 'llm'
          and x.model = ${policy.llm?.model ?? ""} and x.prompt_version_id = ${policy.llm?.promptVersionId ?? null}::uuid
        order by x.created_at desc, x.id desc limit 1) l on true
      where s.run_id = ${setup.modelId} and s.origin = 'classifier' and s.question_key = ${key} and s.item_id > ${after}
        and i.project_id = ${projectId} and i.status = 'open' and i.submitted_count = 0
        and not exists (select 1 from machine_labels m where m.item_id = s.item_id and m.question_key = ${key})
      order by s.item_id limit ${BATCH}`;
    if (!rows.length) return;
    after = Number(rows.at(-1)!.item_id);
    await each(
      rows.map((r) => {
        const label = r.has_llm ? setup.question.label(r.llm_value) : null;
        return { itemId: Number(r.item_id), top: rankedClasses(r.probabilities), llm: label === null ? null : { label, confidence: r.llm_confidence } };
      }),
    );
  }
}

/** The policy replayed on the model's held-out items (labels people gave, predictions of a model that never saw them). */
async function simulate(sql: postgres.Sql, setup: Setup, policy: RoutingPolicy, costs: { llmUsdPerItem: number | null; peopleUsdPerItem: number | null }): Promise<Simulation | null> {
  const [model] = await sql<{ holdout: [number, string, string, number, string | null, number | null][] | null }[]>`select holdout from classifier_models where id = ${setup.modelId}`;
  const holdout = model?.holdout;
  if (!holdout?.length) return null;
  const answers = new Map<number, { label: string; confidence: number | null }>();
  if (policy.llm) {
    const ids = holdout.map((h) => h[0]);
    for (const r of await sql<{ item_id: string; value: unknown; confidence: number | null }[]>`
      select distinct on (item_id) item_id, value, confidence from suggestions
      where item_id = any(${ids}::bigint[]) and question_key = ${setup.question.key} and origin = 'llm'
        and model = ${policy.llm.model} and prompt_version_id = ${policy.llm.promptVersionId}
      order by item_id, created_at desc, id desc`) {
      const label = setup.question.label(r.value);
      if (label !== null) answers.set(Number(r.item_id), { label, confidence: r.confidence });
    }
  }
  const rows = holdout.map(([itemId, truth, first, p1, second, p2]) => ({
    itemId,
    truth,
    top: (second === null ? [[first, p1]] : [[first, p1], [second, p2!]]) as [string, number][],
    llm: answers.get(itemId) ?? null,
  }));
  return simulateRouting(policy, rows, costs);
}

/** The judge's mean recorded cost per answered item, over its runs with this model and prompt version; null when none is recorded. */
async function llmCostPerItem(sql: postgres.Sql, model: string, promptVersionId: string): Promise<number | null> {
  const [row] = await sql<{ cost: number | null }[]>`
    select avg(ri.cost_usd) as cost from llm_run_items ri join llm_runs r on r.id = ri.run_id
    where r.model = ${model} and r.prompt_version_id = ${promptVersionId} and ri.state = 'done' and ri.cost_usd is not null`;
  return row?.cost ?? null;
}

/** What the policy form offers for its LLM: enabled providers with their models, and the project's judge prompt versions that ask the question. */
export async function routingChoices(db: Db, projectId: string, questionKey: string): Promise<{ models: { providerId: string; provider: string; model: string }[]; judges: { id: string; label: string }[] }> {
  const sql = sqlOf(db);
  const providers = await sql<{ id: string; name: string; models: { id: string }[] }[]>`select id, name, models from llm_providers where enabled order by name`;
  const judges = await sql<{ id: string; name: string; version: number }[]>`
    select id, name, version from prompt_versions where project_id = ${projectId} and purpose = 'judge' and questions ? ${questionKey} order by name, version desc`;
  return {
    models: providers.flatMap((p) => p.models.map((m) => ({ providerId: p.id, provider: p.name, model: m.id }))),
    judges: judges.map((j) => ({ id: j.id, label: `${j.name} v${j.version}` })),
  };
}
