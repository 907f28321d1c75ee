import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { createUser } from "~/modules/users/create-user.server";
import { loadCorpus } from "./generate/corpus";
import { generateItems } from "./generate/items";
import type { Db } from "~/db.server";
import { browseCondition, COUNT_CAP, decodeCursor, pageQuery } from "~/modules/items/browse-items.server";
import type { ItemQueryInput } from "~/modules/items/schemas";

export type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Plan Rows"?: number;
  Plans?: PlanNode[];
};
export const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

export type PlanCase = { name: string; query: ItemQueryInput; filter?: unknown; cursor?: "middle"; back?: boolean; count?: boolean };

/** Every data manager read that must stay index-driven: each sort both ways, a cursor in the middle, the page before, filters, search, the count. */
export const planCases: PlanCase[] = [
  { name: "first page, id order", query: {} },
  { name: "a middle page, id order", query: {}, cursor: "middle" },
  { name: "newest first", query: { dir: "desc" }, cursor: "middle" },
  { name: "the page before, id order", query: {}, cursor: "middle", back: true },
  { name: "by priority, highest first", query: { sort: "priority", dir: "desc" } },
  { name: "by priority, a middle page", query: { sort: "priority", dir: "asc" }, cursor: "middle" },
  { name: "the page before, by priority", query: { sort: "priority", dir: "desc" }, cursor: "middle", back: true },
  { name: "status open", query: { state: "open" } },
  { name: "dataset filter: a model", query: {}, filter: { models: ["(a model of the project)"] } },
  // why "use": in about 30 % of AlpacaEval prompts and answers, and no stop word ('the' matched nothing).
  { name: "search: a common word", query: { q: "use" } },
  { name: "search: a rare word", query: { q: "photosynthesis" } },
  { name: "search, by priority", query: { q: "water", sort: "priority", dir: "desc" } },
  { name: "count (capped)", query: {}, count: true },
  { name: "count of a search (capped)", query: { q: "water" }, count: true },
];

export type PlanResult = { name: string; ms: number; nodes: PlanNode[]; problems: string[] };

/**
 * EXPLAIN ANALYZE of each case on a project, and what is wrong with it: a Seq Scan on items, or a
 * Sort fed by anything but a search's index (a sort of the matches of a search is bounded by
 * them; a sort over the project is not).
 */
export async function checkPlans(db: Db, projectId: string, limit = 50): Promise<PlanResult[]> {
  const [mid] = await db.execute<{ id: string; priority: number }>(sql`
    select id, priority from items where project_id = ${projectId} order by id offset (select count(*) / 2 from items where project_id = ${projectId}) limit 1`);
  const [model] = await db.execute<{ model: string }>(sql`select outputs -> 0 ->> 'model' as model from items where project_id = ${projectId} order by id limit 1`);
  const results: PlanResult[] = [];
  for (const c of planCases) {
    const filter = c.filter ? { models: [model?.model ?? "none"] } : undefined;
    const { where, query } = await browseCondition(db, projectId, { query: c.query, filter });
    const key = c.cursor ? decodeCursor(Buffer.from(query.sort === "id" ? `i:${mid!.id}` : `p:${mid!.priority}:${mid!.id}`).toString("base64url"), query.sort) : undefined;
    const statement: SQL = c.count
      ? sql`select count(*)::int as n from (select 1 from items i where ${where} limit ${COUNT_CAP + 1}) m`
      : pageQuery(where, query, { limit, ...(c.back ? { before: key } : { after: key }) });
    const started = performance.now();
    const [row] = await db.execute<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(sql`explain (analyze, format json) ${statement}`);
    const ms = performance.now() - started;
    const nodes = flatten(row!["QUERY PLAN"][0].Plan);
    results.push({ name: c.name, ms, nodes, problems: problemsOf(row!["QUERY PLAN"][0].Plan) });
  }
  return results;
}

function problemsOf(root: PlanNode): string[] {
  const problems: string[] = [];
  const walk = (node: PlanNode) => {
    if (node["Node Type"] === "Seq Scan" && node["Relation Name"] === "items") problems.push("Seq Scan on items");
    if (node["Node Type"] === "Sort" || node["Node Type"] === "Incremental Sort") {
      const below = flatten(node).slice(1);
      const bySearch = below.some((n) => n["Index Name"] === "items_search_idx");
      if (!bySearch) problems.push(`${node["Node Type"]} over ${below.map((n) => n["Index Name"] ?? n["Relation Name"] ?? n["Node Type"]).join(", ")}`);
    }
    node.Plans?.forEach(walk);
  };
  walk(root);
  return problems;
}

/** The plan as one line per node, for a failure message and the bench report. */
export const planText = (nodes: PlanNode[]) => nodes.map((n) => `${n["Node Type"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""} (rows ${n["Actual Rows"] ?? "?"})`).join(" → ");

/**
 * A project of `count` generated items (test/support/generate) with priorities 0–99 and a tenth
 * of them done, analyzed as the steady state is: what the plans are checked on.
 */
export async function seedPlanProject(connection: { db: Db; sql: postgres.Sql }, count: number, log: (line: string) => void = () => {}) {
  const manager = await createUser(connection.db, null, { email: `plans-${randomUUID()}@example.com`, name: "Plans", password: "plans password long", isAdmin: false, canCreateProjects: true });
  const actor = { userId: manager.id, isAdmin: false, via: "session" as const };
  const project = await createProject(connection.db, actor, { name: `Data manager plans ${randomUUID()}` });
  await saveTemplate(connection.db, actor, project.id, templatePresets["rate-and-correct"].template);
  // why: the data manager's two indexes are built after the load and the priority spread, as a
  // bulk load would: a GIN index maintained row by row makes a million-row fixture take many
  // minutes, and it is the plans on the built index that are checked here.
  const indexes = await connection.sql<{ def: string; name: string }[]>`
    select indexname as name, indexdef as def from pg_indexes where tablename = 'items' and indexname in ('items_search_idx', 'items_project_priority_idx')`;
  for (const index of indexes) await connection.sql.unsafe(`drop index ${index.name}`);
  const started = performance.now();
  try {
    await generateItems(connection.sql, { projectId: project.id, count, seed: 17, corpus: loadCorpus({ seed: 17, size: 600, log }), connections: 2, onProgress: (n) => log(`  ${n.toLocaleString("en")} items`) });
    await connection.sql`update items set priority = (id % 100)::int, status = case when id % 10 = 0 then 'done'::item_status else status end where project_id = ${project.id}`;
  } finally {
    // why: one statement with its setting, so both run on the same pooled connection.
    for (const index of indexes) await connection.sql.unsafe(`set maintenance_work_mem = '256MB'; ${index.def}`);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  await connection.sql`vacuum (analyze) items`;
  return { projectId: project.id, actor, loadSeconds };
}
