import { beforeAll, describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { checkPlans, planCases, planText, seedPlanProject, type PlanResult } from "~test/support/data-manager-plans";

// why: big enough that the planner weighs a scan of the table against its indexes; the same cases
// run on 1,000,000 items in `npm run bench:items` (bench/results/items-latest.md).
const ITEMS = 50_000;
let results: PlanResult[];

beforeAll(async () => {
  const { projectId } = await seedPlanProject({ db, sql: sqlOf(db) }, ITEMS);
  results = await checkPlans(db, projectId);
}, 240_000);

describe(`the data manager's reads on ${ITEMS.toLocaleString("en")} items`, () => {
  it.each(planCases.map((c) => [c.name]))("%s: no Seq Scan on items, no Sort over the project", (name) => {
    const result = results.find((r) => r.name === name)!;
    expect(result.problems, planText(result.nodes)).toEqual([]);
    // A page or a capped count reads what it shows, not the project: at most a few pages of rows per node.
    const readOnItems = result.nodes.filter((n) => n["Relation Name"] === "items" && n["Index Name"] !== "items_search_idx");
    for (const node of readOnItems) expect((node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1), planText(result.nodes)).toBeLessThan(ITEMS / 2);
  });
});
