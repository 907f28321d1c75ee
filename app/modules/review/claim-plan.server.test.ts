import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "~db/schema";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { makeUser } from "~test/factories";
import { testDatabaseUrl, testSql } from "~test/db";
import { claimNextItem, type Lease } from "./claim-next-item.server";
import type { Actor } from "~/modules/auth/actor";
import { rolesAllowed } from "~/modules/projects/policy";

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

/** What one statement's plan says of the work it did on `items`. */
function describePlan(query: string, plan: PlanNode) {
  const all = nodes(plan);
  const onItems = all.filter((n) => n["Relation Name"] === "items");
  return {
    query,
    all,
    onItems,
    /** Rows the scans of `items` produced or threw away: what a claim reads of the table. */
    itemRowsRead: onItems.reduce((sum, n) => sum + ((n["Actual Rows"] ?? 0) + (n["Rows Removed by Filter"] ?? 0)) * (n["Actual Loops"] ?? 1), 0),
    buffers: (plan["Shared Hit Blocks"] ?? 0) + (plan["Shared Read Blocks"] ?? 0),
  };
}

/**
 * Claims through the real verb on a connection of its own with auto_explain on, and returns the
 * plans PostgreSQL ran for the statements inside loupe_claim_item that pick a candidate (the
 * `FOR NO KEY UPDATE … SKIP LOCKED` queries). auto_explain sends each plan as a LOG message,
 * which client_min_messages = log routes to this client.
 */
async function claimWithPlans(
  actor: Actor,
  projectId: string,
  { skip, planCache = "auto" }: { skip?: number[]; planCache?: "auto" | "force_custom_plan" | "force_generic_plan" } = {},
): Promise<{ lease: Lease | null; plans: ReturnType<typeof describePlan>[] }> {
  const messages: string[] = [];
  const client = postgres(await testDatabaseUrl(), { max: 1, onnotice: (n) => messages.push(String(n.message)) });
  try {
    await client.unsafe(`load 'auto_explain'`);
    await client.unsafe(
      `set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
       set auto_explain.log_nested_statements = on; set auto_explain.log_format = json; set client_min_messages = log;
       set plan_cache_mode = ${planCache}`,
    );
    // A skip list is what a retry passes (after items others had just leased): the same call.
    const lease = skip
      ? await client`select * from loupe_claim_item(${projectId}, ${actor.userId}, false, ${rolesAllowed("project.view")}, ${rolesAllowed("review.annotate")}, ${skip}, null)`.then(
          ([row]) => ({ leaseId: row!.lease_id, itemId: Number(row!.claimed_item), expiresAt: new Date(row!.lease_expires), resumed: row!.resumed }),
        )
      : await claimNextItem(drizzle(client, { schema, casing: "snake_case" }), actor, projectId);
    const plans = messages
      .map((m) => m.slice(m.indexOf("{")))
      .filter((m) => m.startsWith("{"))
      .map((m) => JSON.parse(m) as { "Query Text": string; Plan: PlanNode })
      .filter((p) => /skip locked/i.test(p["Query Text"]) && !/loupe_claim_item/i.test(p["Query Text"]))
      .map((p) => describePlan(p["Query Text"], p.Plan));
    return { lease, plans };
  } finally {
    await client.end({ timeout: 5 });
  }
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
      insert into items (project_id, external_id, input_key, outputs_key, input, outputs, random_key, uncertainty)
      select ${projectId}, 'plan-' || g, md5('in' || g)::uuid, md5('out' || g)::uuid, jsonb_build_object('type', 'text', 'text', 'Prompt ' || g),
             jsonb_build_array(jsonb_build_object('text', 'Answer ' || g)), ((g * 2654435761) % 2147483647)::int,
             -- half the items predicted, so the uncertain order has both of its parts
             case when g % 2 = 0 then ((g * 7919) % 1000) / 1000.0 end
      from generate_series(1, ${ITEMS}) g`);
  });

  afterAll(async () => {
    await db.execute(sql`delete from projects where id = ${projectId}`);
  });

  /**
   * Claims once and gives the lease back (and the place in the queue it gave the reviewer), so
   * every measurement starts from the same queue, walked from its start.
   */
  async function measureClaim(options: Parameters<typeof claimWithPlans>[2]) {
    const result = await claimWithPlans(reviewer.actor, projectId, options);
    await testSql()`delete from assignments where user_id = ${reviewer.actor.userId}`;
    await testSql()`delete from queue_cursors where user_id = ${reviewer.actor.userId}`;
    return result;
  }

  it("walks the open-items index and reads the same few rows at 10% and at 90% done", async () => {
    const cases = [
      { order: "priority", index: "items_queue_priority_idx", skip: undefined },
      { order: "random", index: "items_queue_random_idx", skip: undefined },
      { order: "uncertain", index: "items_queue_uncertain_idx", skip: undefined },
      { order: "uncertain", index: "items_queue_uncertain_idx", skip: [ITEMS, ITEMS - 2] },
      { order: "priority", index: "items_queue_priority_idx", skip: [ITEMS, ITEMS - 1] },
    ] as const;
    // One at a time, each claim undone before the next. PL/pgSQL keeps a statement's plan for
    // the session and may switch to a generic one (parameters unknown) after five runs: both
    // kinds of plan are held to the same bar.
    const planCaches = ["force_custom_plan", "force_generic_plan"] as const;
    const measure = async () => {
      const plans = [];
      for (const planCache of planCaches) {
        for (const { order, skip } of cases) {
          await testSql()`update projects set item_order = ${order} where id = ${projectId}`;
          const { lease, plans: found } = await measureClaim({ skip: skip ? [...skip] : undefined, planCache });
          expect(lease?.itemId).toBeGreaterThan(0);
          // One candidate query ran: the first open item fit.
          expect(found).toHaveLength(1);
          plans.push(found[0]!);
        }
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
      const { index } = cases[i % cases.length]!;
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
    await testSql()`update projects set item_order = 'priority' where id = ${projectId}`;
    const others = await Promise.all(Array.from({ length: 5 }, () => makeUser()));
    for (const other of others) await addMember(db, manager.actor, projectId, { email: other.email, role: "reviewer" });
    const leases = await Promise.all(others.map((other) => claimNextItem(db, other.actor, projectId)));
    const held = leases.map((l) => l!.itemId).sort((a, b) => a - b);
    expect(new Set(held).size).toBe(5);

    await testSql()`delete from queue_cursors where user_id = ${reviewer.actor.userId}`;
    const { lease, plans } = await claimWithPlans(reviewer.actor, projectId);
    expect(plans).toHaveLength(1);
    expect(plans[0]!.onItems.map((n) => n["Index Name"])).toEqual(["items_queue_priority_idx"]);
    // The five leased items are read and passed over (no room left with overlap 1); the sixth fits.
    expect(plans[0]!.itemRowsRead).toBe(6);
    expect(held).not.toContain(lease!.itemId);
    expect(lease!.itemId).toBeGreaterThan(held[held.length - 1]!);
  });

  it("at overlap 50, a reviewer far ahead of the others reads from their place in the queue, not past all they answered", async () => {
    const ahead = await makeUser();
    await addMember(db, manager.actor, projectId, { email: ahead.email, role: "reviewer" });
    await testSql()`update projects set overlap = 50, item_order = 'priority' where id = ${projectId}`;
    // 5,000 open items answered by this reviewer alone, the rest still waiting for 49 others.
    const answered = 5_000;
    await testSql()`
      with first as (select id from items where project_id = ${projectId} and status = 'open' order by (-priority), id limit ${answered})
      insert into assignments (item_id, project_id, user_id, state, expires_at)
      select id, ${projectId}, ${ahead.id}, 'submitted', now() from first`;
    await testSql()`update items set submitted_count = submitted_count + 1 where id in (select item_id from assignments where user_id = ${ahead.id})`;
    await testSql().unsafe("vacuum (analyze) items");
    await testSql().unsafe("vacuum (analyze) assignments");

    // The first claim has no place yet and walks from the start, once; it leaves the reviewer's cursor.
    const first = await claimWithPlans(ahead.actor, projectId);
    expect(first.plans).toHaveLength(1);
    expect(first.plans[0]!.itemRowsRead).toBe(answered + 1);
    await testSql()`delete from assignments where id = ${first.lease!.leaseId}`;

    for (const planCache of ["force_custom_plan", "force_generic_plan"] as const) {
      const { lease, plans } = await claimWithPlans(ahead.actor, projectId, { planCache });
      expect(lease!.itemId).toBeGreaterThan(first.lease!.itemId);
      // Higher priorities first (an empty range here), then forward from the cursor: one row read.
      expect(plans.map((p) => p.onItems.map((n) => `${n["Node Type"]} ${n["Index Name"]}`))).toEqual([
        ["Index Scan items_queue_priority_idx"],
        ["Index Scan items_queue_priority_idx"],
      ]);
      expect(plans.reduce((sum, p) => sum + p.itemRowsRead, 0)).toBe(1);
      for (const plan of plans) expect(plan.all.some((n) => n["Node Type"] === "Sort")).toBe(false);
      await testSql()`delete from assignments where id = ${lease!.leaseId}`;
    }
  });
});

describe("the uncertain order's cursor plan", () => {
  it("a reviewer far ahead of the others reads from their place in the uncertain order, not past all they answered", async () => {
    const manager = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Uncertain plan ${randomUUID()}` });
    const ahead = await makeUser();
    await addMember(db, manager.actor, project.id, { email: ahead.email, role: "reviewer" });
    await testSql()`update projects set overlap = 50, item_order = 'uncertain' where id = ${project.id}`;
    const items = 20_000;
    await db.execute(sql`
      insert into items (project_id, external_id, input_key, outputs_key, input, outputs, uncertainty)
      select ${project.id}, 'uplan-' || g, md5('uin' || g)::uuid, md5('uout' || g)::uuid, jsonb_build_object('type', 'text', 'text', 'Prompt ' || g),
             jsonb_build_array(jsonb_build_object('text', 'Answer ' || g)), case when g % 2 = 0 then ((g * 7919) % 1000) / 1000.0 end
      from generate_series(1, ${items}) g`);
    // The 5,000 most uncertain items answered by this reviewer alone, still open for 49 others.
    const answered = 5_000;
    await testSql()`
      with first as (
        select id from items where project_id = ${project.id} and status = 'open'
         order by (case when uncertainty is null then (1000001 - priority)::real else -uncertainty end), id limit ${answered})
      insert into assignments (item_id, project_id, user_id, state, expires_at)
      select id, ${project.id}, ${ahead.id}, 'submitted', now() from first`;
    await testSql()`update items set submitted_count = submitted_count + 1 where id in (select item_id from assignments where user_id = ${ahead.id})`;
    await testSql().unsafe("vacuum (analyze) items");
    await testSql().unsafe("vacuum (analyze) assignments");

    try {
      const first = await claimWithPlans(ahead.actor, project.id);
      expect(first.plans).toHaveLength(1);
      expect(first.plans[0]!.itemRowsRead).toBe(answered + 1);
      await testSql()`delete from assignments where id = ${first.lease!.leaseId}`;

      for (const planCache of ["force_custom_plan", "force_generic_plan"] as const) {
        const { lease, plans } = await claimWithPlans(ahead.actor, project.id, { planCache });
        // Forward from the cursor only: one query, one row read, on the uncertain order's index, no sort.
        expect(lease!.itemId).not.toBe(first.lease!.itemId);
        expect(plans.map((p) => p.onItems.map((n) => `${n["Node Type"]} ${n["Index Name"]}`))).toEqual([["Index Scan items_queue_uncertain_idx"]]);
        expect(plans[0]!.itemRowsRead).toBe(1);
        expect(plans[0]!.all.some((n) => n["Node Type"] === "Sort")).toBe(false);
        await testSql()`delete from assignments where id = ${lease!.leaseId}`;
      }
    } finally {
      await db.execute(sql`delete from projects where id = ${project.id}`);
    }
  });
});
