import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { loadCorpus } from "~test/support/generate/corpus";
import { generateItems } from "~test/support/generate/items";
import { ownDatabase } from "~test/db";
import { makeUser } from "~test/factories";
import { DISAGREEMENT_PAGE, disagreementPageQuery, type DisagreementFilter } from "./queries.server";

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; "Actual Rows": number; "Actual Loops": number; "Rows Removed by Filter"?: number; Plans?: PlanNode[] };
const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

const ITEMS = 40_000;
let projectId: string;
// why: a database of its own, so the planner's statistics are this fixture's, not whatever the
// test files run before this one in the same worker left in `resolutions` (seen flipping the plan).
let own: Awaited<ReturnType<typeof ownDatabase>>;

beforeAll(async () => {
  own = await ownDatabase("plan");
  const manager = await makeUser({ on: own.db });
  const project = await createProject(own.db, manager.actor, { name: `Disagreement plan ${Date.now()}` });
  projectId = project.id;
  await saveTemplate(own.db, manager.actor, project.id, templatePresets["rate-and-correct"].template);
  const sql = own.sql;
  await generateItems(sql, { projectId, count: ITEMS, seed: 3, corpus: loadCorpus({ seed: 3, size: 100, log: () => {} }), connections: 1 });
  // Every item rated by two reviewers; one in five apart by 1–3 points (agreement 0.5), the rest agreeing.
  await sql`
    insert into resolutions (item_id, project_id, question_key, status, value, method, agreement, annotation_count, detail)
    select id, project_id, 'quality', 'resolved', '4'::jsonb, 'mean', case when id % 5 = 0 then 0.5 else 1 end, 2,
           jsonb_build_object('spread', case when id % 5 = 0 then 1 + id % 3 else 0 end)
    from items where project_id = ${projectId}`;
  await sql`delete from resolution_stale_projects where project_id = ${projectId}`;
  await sql`analyze resolutions`;
}, 240_000);

afterAll(() => own?.close());

async function plan(filter: DisagreementFilter, afterShare: number) {
  const sql = own.sql;
  const [{ after }] = await sql<[{ after: string }]>`select (min(id) + (max(id) - min(id)) * ${afterShare}::numeric)::bigint::text as after from items where project_id = ${projectId}`;
  const [row] = await sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>`explain (analyze, format json) ${disagreementPageQuery(sql, projectId, { ...filter, after: Number(after) })}`;
  return flatten(row!["QUERY PLAN"][0].Plan);
}

describe("the adjudication list on 40,000 items", () => {
  it.each([
    ["every disagreement", {}],
    ["ratings at least 3 points apart", { minSpread: 3 }],
  ] as const)("%s: walks the partial disagreement index from the cursor, no sort, a page's worth of rows", async (_what, filter) => {
    const nodes = await plan(filter, 0.5);
    // why: the plan in the message, so a failure says which path the planner took and why.
    expect(nodes.map((n) => n["Node Type"]), JSON.stringify(nodes.map(({ Plans: _, ...n }) => n))).not.toContain("Sort");
    const scans = nodes.filter((n) => n["Relation Name"] === "resolutions");
    expect(scans.map((n) => n["Index Name"])).toEqual(["resolutions_disagreement_idx"]);
    const read = scans.reduce((sum, n) => sum + (n["Actual Rows"] + (n["Rows Removed by Filter"] ?? 0)) * n["Actual Loops"], 0);
    expect(read).toBeGreaterThanOrEqual(DISAGREEMENT_PAGE + 1);
    expect(read).toBeLessThan(200);
  });
});

describe("the adjudication list filtered by question", () => {
  it.each([
    ["one question", { question: "quality" }],
    ["one question, top answer's share at most a half", { question: "quality", maxAgreement: 0.5 }],
  ] as const)("%s: walks the per-question partial disagreement index from the cursor, no sort, a page's worth of rows", async (_what, filter) => {
    const nodes = await plan(filter, 0.5);
    // why: the plan in the message, so a failure says which path the planner took and why.
    expect(nodes.map((n) => n["Node Type"]), JSON.stringify(nodes.map(({ Plans: _, ...n }) => n))).not.toContain("Sort");
    const scans = nodes.filter((n) => n["Relation Name"] === "resolutions");
    // Either partial disagreement index walks in item order: by project (every row of this fixture
    // is the one question) or by project and question; what must not happen is a sorted bitmap scan.
    expect(scans.map((n) => `${n["Node Type"]} ${n["Index Name"]}`)).toEqual([expect.stringMatching(/^Index Scan resolutions_disagreement(_question)?_idx$/)]);
    const read = scans.reduce((sum, n) => sum + (n["Actual Rows"] + (n["Rows Removed by Filter"] ?? 0)) * n["Actual Loops"], 0);
    expect(read).toBeGreaterThanOrEqual(DISAGREEMENT_PAGE + 1);
    expect(read).toBeLessThan(200);
  });
});
