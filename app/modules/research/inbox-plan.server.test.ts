import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { inboxPageQuery } from "./inbox.server";
import type { InboxFilter } from "./schemas";
import { researchProject } from "~test/support/research-project";

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: PlanNode[] };
const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

const COMMENTS = 100_000;
let projectId: string;
let viewer: string;

beforeAll(async () => {
  const p = await researchProject();
  projectId = p.projectId;
  viewer = p.researcher.id;
  const words = ["slow", "wrong", "helpful", "suggestion", "rude", "long", "great", "confusing", "fast", "answer"];
  const sqlClient = sqlOf(db);
  await sqlClient`
    insert into feedback (project_id, comment, segment, occurred_at)
    select ${projectId}, (${words}::text[])[1 + i % 10] || ' ' || (${words}::text[])[1 + (i / 10) % 10] || ' comment ' || i || case when i % 1000 = 0 then ' invoice' else '' end, case when i % 3 = 0 then 'pro' else 'free' end,
      timestamptz '2026-01-01' + i * interval '1 minute'
    from generate_series(1, ${COMMENTS}) i`;
  await sqlClient`analyze feedback`;
}, 240_000);

async function plan(filter: InboxFilter) {
  const [row] = await db.execute<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(sql`explain (format json) ${inboxPageQuery(projectId, filter, viewer, null, 50)}`);
  return flatten(row!["QUERY PLAN"][0].Plan).filter((n) => n["Relation Name"] === "feedback");
}

describe(`the inbox on ${COMMENTS.toLocaleString("en-US")} comments`, () => {
  it("the newest-first page walks feedback_project_occurred_idx (no scan of the table)", async () => {
    const nodes = await plan({});
    expect(nodes.map((n) => n["Index Name"])).toEqual(["feedback_project_occurred_idx"]);
  });

  // why: at 100,000 rows the planner may rightly prefer reading the table; what must hold at
  // 1,000,000 is that each tier of a search (exact stems, then trigrams) can be answered from its
  // index, which the plans show once sequential scans are priced out.
  it("a search's exact tier reads the full-text index and its fuzzy tier the trigram index (no sequential read of every comment needed)", async () => {
    const indexesOf = (tier: 0 | 1) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const [row] = await tx.execute<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(sql`explain (format json) ${inboxPageQuery(projectId, { q: "invoice" }, viewer, null, 50, tier)}`);
        return flatten(row!["QUERY PLAN"][0].Plan)
          .filter((n) => n["Relation Name"] === "feedback" || n["Index Name"]?.startsWith("feedback_"))
          .map((n) => n["Index Name"])
          .filter(Boolean);
      });
    expect(await indexesOf(1)).toContain("feedback_comment_tsv_idx");
    expect(await indexesOf(0)).toContain("feedback_comment_trgm_idx");
  });
});
