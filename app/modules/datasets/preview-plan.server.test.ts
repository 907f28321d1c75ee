import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { Question } from "~/modules/templates/schemas";
import { annotateItems } from "~test/support/generate/annotations";
import { loadCorpus } from "~test/support/generate/corpus";
import { generateItems } from "~test/support/generate/items";
import { makeUser } from "~test/factories";
import { filterCondition, labelExpression } from "./filter-sql.server";
import { PREVIEW_PAGE, previewPageQuery } from "./preview.server";
import { datasetFilterSchema, type DatasetFilterInput } from "./schemas";

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; "Actual Rows": number; "Actual Loops": number; "Rows Removed by Filter"?: number; Plans?: PlanNode[] };
const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

const ITEMS = 60_000;
let projectId: string;
const questions = templatePresets["rate-and-correct"].template.questions as unknown as Question[];

beforeAll(async () => {
  const manager = await makeUser();
  const reviewer = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Preview plan ${Date.now()}` });
  projectId = project.id;
  const template = await saveTemplate(db, manager.actor, project.id, templatePresets["rate-and-correct"].template);
  await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
  const sqlClient = sqlOf(db);
  await generateItems(sqlClient, { projectId, count: ITEMS, seed: 9, corpus: loadCorpus({ seed: 9, size: 100, log: () => {} }), connections: 1 });
  // Half the items answered and resolved, so "resolved" and "any" differ.
  const [{ middle }] = await sqlClient<[{ middle: string }]>`select (min(id) + (max(id) - min(id)) / 2)::text as middle from items where project_id = ${projectId}`;
  await annotateItems(sqlClient, { projectId, userIds: [reviewer.id], seed: 9, templateVersion: template.version });
  await sqlClient`update items set resolved_at = null where project_id = ${projectId} and id > ${middle}`;
  await sqlClient`analyze items`;
  await sqlClient`analyze resolutions`;
}, 240_000);

async function plan(filter: DatasetFilterInput, afterShare: number) {
  const [{ after }] = (await db.execute<{ after: string }>(sql`select (min(id) + (max(id) - min(id)) * ${afterShare}::numeric)::bigint::text as after from items where project_id = ${projectId}`)) as unknown as [{ after: string }];
  const where = filterCondition(projectId, datasetFilterSchema.parse(filter), questions, "page");
  const query = previewPageQuery(where, labelExpression(null), Number(after));
  const [row] = await db.execute<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(sql`explain (analyze, buffers, format json) ${query}`);
  return flatten(row!["QUERY PLAN"][0].Plan);
}

describe("the dataset builder's preview page on 60,000 items", () => {
  it.each([
    // why: which id-ordered index the planner takes depends on the statistics every test file in
    // the worker's database shapes (full runs picked the project's id index for the default once);
    // what matters is the walk: id order from the cursor, no sort, a page's worth of rows.
    ["resolved items (the default)", {}, 0.25, /^(items_project_resolved_idx|items_project_id_idx|items_pkey)$/],
    ["any item", { status: "any" }, 0.75, /^(items_project_id_idx|items_pkey)$/],
    ["resolved items rated 4 or more", { ratings: [{ question: "quality", min: 4 }] }, 0.25, /^(items_project_resolved_idx|items_project_id_idx|items_pkey)$/],
  ] as const)("%s: walks an id-ordered index from the cursor, no scan of the table, no sort", async (_what, filter, after, index) => {
    const nodes = await plan(filter as DatasetFilterInput, after);
    const onItems = nodes.filter((n) => n["Relation Name"] === "items");
    expect(nodes.map((n) => n["Node Type"])).not.toContain("Sort");
    expect(onItems.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    // An id-ordered index: the project's (or, when this project holds most rows, the primary key).
    const used = onItems.map((n) => `${n["Node Type"]} ${n["Index Name"] ?? ""}`);
    expect(onItems.map((n) => n["Index Name"]).some((name) => index.test(name ?? "")), `plan on items: ${used.join(", ")}`).toBe(true);
    // A page is 21 rows; a selective filter may step over some non-matching ones, never thousands.
    const read = onItems.reduce((sum, n) => sum + (n["Actual Rows"] + (n["Rows Removed by Filter"] ?? 0)) * n["Actual Loops"], 0);
    expect(read).toBeGreaterThanOrEqual(PREVIEW_PAGE + 1);
    expect(read).toBeLessThan(200);
  });
});
