import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { makeUser } from "../../../test/factories";
import { testSql } from "../../../test/db";
import { candidateQuery, claimNextItem } from "./claim-next-item.server";

const ITEMS = 100_000;

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
};

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The plan PostgreSQL runs for `query` (EXPLAIN ANALYZE really runs it, locks and all). */
async function explain(query: SQL) {
  const [row] = await db.execute<{ "QUERY PLAN": unknown }>(sql`explain (analyze, buffers, format json) ${query}`);
  const raw = row!["QUERY PLAN"];
  const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  const all = nodes(plan[0].Plan);
  const onItems = all.filter((n) => n["Relation Name"] === "items");
  return {
    all,
    onItems,
    /** Rows the scans of `items` produced or threw away: what a claim reads of the table. */
    itemRowsRead: onItems.reduce((sum, n) => sum + ((n["Actual Rows"] ?? 0) + (n["Rows Removed by Filter"] ?? 0)) * (n["Actual Loops"] ?? 1), 0),
    buffers: (plan[0].Plan["Shared Hit Blocks"] ?? 0) + (plan[0].Plan["Shared Read Blocks"] ?? 0),
  };
}

/** Marks the first `count` open items (in queue order) done, as reviewers finishing them would, then lets (auto)vacuum tidy up. */
async function finish(projectId: string, count: number) {
  await db.execute(sql`
    update items set status = 'done', submitted_count = 1
    where id in (select id from items where project_id = ${projectId} and status = 'open' order by priority desc, id limit ${count})`);
  // why: VACUUM takes the finished items' old entries out of the partial index, as autovacuum
  // does in production; it cannot run inside a transaction, hence the raw client.
  await testSql().unsafe("vacuum (analyze) items");
}

describe("the claim query's plan", () => {
  let projectId: string;
  let manager: Awaited<ReturnType<typeof makeUser>>;
  let reviewer: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    manager = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Claim plan ${randomUUID()}` });
    projectId = project.id;
    reviewer = await makeUser();
    await addMember(db, manager.actor, projectId, { email: reviewer.email, role: "reviewer" });
    // why: a SQL generator, because 100,000 items through addItems would take minutes.
    await db.execute(sql`
      insert into items (project_id, external_id, content_hash, input, outputs, random_key)
      select ${projectId}, 'plan-' || g, md5(g::text), jsonb_build_object('type', 'text', 'text', 'Prompt ' || g),
             jsonb_build_array(jsonb_build_object('text', 'Answer ' || g)), ((g * 2654435761) % 2147483647)::int
      from generate_series(1, ${ITEMS}) g`);
  });

  afterAll(async () => {
    await db.execute(sql`delete from projects where id = ${projectId}`);
  });

  it("walks the open-items index and reads the same few rows at 10% and at 90% done", async () => {
    const cases = [
      { order: "priority", index: "items_queue_priority_idx", skip: [] },
      { order: "random", index: "items_queue_random_idx", skip: [] },
      { order: "priority", index: "items_queue_priority_idx", skip: [ITEMS, ITEMS - 1] },
    ] as const;
    // One at a time: each EXPLAIN ANALYZE really locks its item, which would move the others on.
    const measure = async () => {
      const plans = [];
      for (const { order, skip } of cases) {
        for (const mode of ["skip locked", "wait"] as const) plans.push(await explain(candidateQuery(reviewer.actor.userId, projectId, order, [...skip], mode)));
      }
      return plans;
    };

    await finish(projectId, ITEMS * 0.1);
    const early = await measure();
    await finish(projectId, ITEMS * 0.8);
    const late = await measure();

    const [{ open }] = (await testSql()`select count(*)::int as open from items where project_id = ${projectId} and status = 'open'`) as unknown as [{ open: number }];
    expect(open).toBe(ITEMS * 0.1);
    for (const [i, plan] of [...early, ...late].entries()) {
      const { index } = cases[Math.floor((i % early.length) / 2)]!;
      expect(plan.all.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "items")).toBe(false);
      // No sort: the index already yields items in claim order, so the scan stops at the first fit.
      expect(plan.all.some((n) => n["Node Type"] === "Sort")).toBe(false);
      expect(plan.onItems.map((n) => `${n["Node Type"]} ${n["Index Name"]}`)).toEqual([`Index Scan ${index}`]);
      // Nobody holds a lease, so the first open item fits: one row read of 100,000.
      expect(plan.itemRowsRead).toBe(1);
    }
    // Flat: 8x as many finished items cost no more buffers per claim.
    for (const [i, plan] of late.entries()) expect(plan.buffers).toBeLessThanOrEqual(early[i]!.buffers + 5);
    expect(Math.max(...late.map((p) => p.buffers))).toBeLessThan(50);
  });

  it("with live leases, reads past the held items only", async () => {
    const others = await Promise.all(Array.from({ length: 5 }, () => makeUser()));
    for (const other of others) await addMember(db, manager.actor, projectId, { email: other.email, role: "reviewer" });
    const leases = await Promise.all(others.map((other) => claimNextItem(db, other.actor, projectId)));
    const held = leases.map((l) => l!.itemId).sort((a, b) => a - b);
    expect(new Set(held).size).toBe(5);

    const plan = await explain(candidateQuery(reviewer.actor.userId, projectId, "priority", [], "skip locked"));
    expect(plan.onItems.map((n) => n["Index Name"])).toEqual(["items_queue_priority_idx"]);
    // The five leased items are read and passed over (no room left with overlap 1); the sixth fits.
    expect(plan.itemRowsRead).toBe(6);
    const lease = await claimNextItem(db, reviewer.actor, projectId);
    expect(held).not.toContain(lease!.itemId);
    expect(lease!.itemId).toBeGreaterThan(held[held.length - 1]!);
  });
});
