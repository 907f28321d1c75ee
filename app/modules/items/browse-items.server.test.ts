import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { addItems } from "./add-items.server";
import { browseItems, pgArray } from "./browse-items.server";
import { bulkItems } from "./bulk-items.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { exportItems } from "./export-items.server";
import { getItemDetail } from "./item-detail.server";

let projectId: string;
let manager: Awaited<ReturnType<typeof makeUser>>;
let reviewer: Awaited<ReturnType<typeof makeUser>>;
let researcher: Awaited<ReturnType<typeof makeUser>>;
let ids: number[];

const TOPICS = ["volcano", "glacier", "desert", "forest"];

beforeAll(async () => {
  manager = await makeUser();
  reviewer = await makeUser({ name: "Rita Reviewer" });
  researcher = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Data manager ${Date.now()}` });
  projectId = project.id;
  await saveTemplate(db, manager.actor, projectId, templatePresets["rate-and-correct"].template);
  await addMember(db, manager.actor, projectId, { email: reviewer.email, role: "reviewer" });
  await addMember(db, manager.actor, projectId, { email: researcher.email, role: "researcher" });
  const result = await addItems(
    db,
    manager.actor,
    projectId,
    Array.from({ length: 40 }, (_, n) => ({
      externalId: `ext-${n}`,
      input: n % 2 ? `Tell me about the ${TOPICS[n % 4]} number ${n}` : { messages: [{ role: "user" as const, content: `Describe a ${TOPICS[n % 4]} (${n})` }] },
      outputs: [{ text: n === 7 ? "=HYPERLINK(\"http://evil\")" : `An answer about ${TOPICS[(n + 1) % 4]}`, model: n % 3 ? "gpt-a" : "gpt-b" }],
      metadata: { segment: n % 2 ? "pro" : "free", n },
      priority: n % 5,
    })),
  );
  ids = result.ids!;
});

const browse = (query: Record<string, unknown> = {}, page: Record<string, unknown> = {}, filter?: unknown) =>
  browseItems(db, manager.actor, projectId, { query, filter, ...page });

async function walk(query: Record<string, unknown>, limit: number) {
  const seen: number[] = [];
  const pages: string[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await browse(query, { after: cursor ?? undefined, limit });
    seen.push(...page.rows.map((r) => r.id));
    cursor = page.nextCursor;
    if (page.prevCursor) pages.push(page.prevCursor);
  } while (cursor);
  return seen;
}

describe("browseItems", () => {
  it("pages forward and back by id and by priority with no duplicate and no gap", async () => {
    const byId = await walk({}, 7);
    expect(byId).toEqual(ids);
    const desc = await walk({ dir: "desc" }, 9);
    expect(desc).toEqual([...ids].reverse());
    const byPriority = await walk({ sort: "priority", dir: "desc" }, 6);
    const rows = await db.execute<{ id: string }>(sql`select id from items where project_id = ${projectId} order by priority desc, id desc`);
    expect(byPriority).toEqual(rows.map((r) => Number(r.id)));

    // Backward: from the third page, "previous" twice lands on the first page.
    const p1 = await browse({ sort: "priority" }, { limit: 6 });
    const p2 = await browse({ sort: "priority" }, { limit: 6, after: p1.nextCursor });
    const p3 = await browse({ sort: "priority" }, { limit: 6, after: p2.nextCursor });
    const back2 = await browse({ sort: "priority" }, { limit: 6, before: p3.prevCursor });
    expect(back2.rows.map((r) => r.id)).toEqual(p2.rows.map((r) => r.id));
    const back1 = await browse({ sort: "priority" }, { limit: 6, before: back2.prevCursor });
    expect(back1.rows.map((r) => r.id)).toEqual(p1.rows.map((r) => r.id));
    expect(back1.prevCursor).toBeNull();
    expect(back1.nextCursor).not.toBeNull();
  });

  it("filters by status, dataset filter and full-text search over input and outputs, and counts", async () => {
    const volcano = await browse({ q: "volcano" }, { limit: 100, count: true });
    // Input mentions volcano for n % 4 == 0; outputs mention it for n % 4 == 3.
    // (item 7's output is a formula, not a volcano)
    expect(volcano.rows.map((r) => r.id)).toEqual(ids.filter((_, n) => (n % 4 === 0 || n % 4 === 3) && n !== 7));
    expect(volcano.count).toEqual({ n: 19, capped: false });
    const pro = await browse({}, { limit: 100 }, { metadata: [{ key: "segment", op: "eq", value: "pro" }], models: ["gpt-b"] });
    expect(pro.rows.map((r) => r.id)).toEqual(ids.filter((_, n) => n % 2 === 1 && n % 3 === 0));
    await db.execute(sql`update items set status = 'held' where id = ${ids[3]!}`);
    expect((await browse({ state: "held" })).rows.map((r) => r.id)).toEqual([ids[3]]);
    await db.execute(sql`update items set status = 'open' where id = ${ids[3]!}`);
    const first = (await browse({}, { limit: 1, metaKeys: ["segment"] })).rows[0]!;
    expect(first).toMatchObject({ externalId: "ext-0", preview: "user: Describe a volcano (0)", models: ["gpt-b"], metadata: { segment: "free" }, status: "open" });
  });

  it("names the field of bad input", async () => {
    await expect(browse({ sort: "created_at" })).rejects.toThrow(/sort: Expected sort to be one of: id, priority/);
    await expect(browse({}, { after: "bogus" })).rejects.toThrow(/after: Expected a cursor/);
    const byId = await browse({}, { limit: 2 });
    await expect(browse({ sort: "priority" }, { after: byId.nextCursor })).rejects.toThrow(/same sort order/);
    await expect(browse({}, {}, { ratings: [{ question: "nope", min: 1 }] })).rejects.toThrow(/filter.ratings.0.question/);
  });

  it("is refused to reviewers and outsiders", async () => {
    await expect(browseItems(db, reviewer.actor, projectId, { query: {} })).rejects.toThrow("Only managers, researchers and engineers can browse this project's items.");
    const outsider = await makeUser();
    await expect(browseItems(db, outsider.actor, projectId, { query: {} })).rejects.toThrow("No such project.");
    expect((await browseItems(db, researcher.actor, projectId, { query: {} })).rows.length).toBeGreaterThan(0);
  });
});

describe("bulk actions", () => {
  it("raises priority on a selection and on a whole filter, each with audit entries the item's history shows", async () => {
    const r = await bulkItems(db, manager.actor, projectId, { selection: { ids: [ids[2]!, ids[3]!] }, action: { action: "priority", priority: 900 } });
    expect(r).toEqual({ action: "priority", matched: 2, changed: 2, skipped: 0 });
    const byFilter = await bulkItems(db, manager.actor, projectId, { selection: { query: { q: "glacier" } }, action: { action: "priority", priority: 50 } });
    expect(byFilter.changed).toBe(20);
    const rows = await db.execute<{ id: string; priority: number }>(sql`select id, priority from items where id in (${ids[1]!}, ${ids[2]!}, ${ids[3]!})`);
    expect(Object.fromEntries(rows.map((x) => [Number(x.id), x.priority]))).toEqual({ [ids[1]!]: 50, [ids[2]!]: 900, [ids[3]!]: 900 });
    const detail = await getItemDetail(db, manager.actor, projectId, ids[2]!);
    expect(detail.history.map((h) => h.what)).toEqual(["imported", "priority changed"]);
    expect(detail.history[1]!.who?.label).toBe(manager.name);
    const [audit] = await db.execute<{ data: { count: number; ids: number[] } }>(sql`select data from audit_log where action = 'items.bulk_priority' and target_id = ${projectId} order by id limit 1`);
    expect(audit!.data).toMatchObject({ count: 2, ids: [ids[2], ids[3]], priority: 900 });
  });

  it("marks an item gold with a checked answer, and refuses an answer that does not fit the template", async () => {
    await expect(bulkItems(db, manager.actor, projectId, { selection: { ids: [ids[5]!] }, action: { action: "gold", gold: { quality: 9 } } })).rejects.toThrow(/action.gold.quality/);
    await expect(bulkItems(db, manager.actor, projectId, { selection: { ids: [ids[5]!] }, action: { action: "gold", gold: { nope: 1 } } })).rejects.toThrow(/action.gold.nope: There is no question/);
    await bulkItems(db, manager.actor, projectId, { selection: { ids: [ids[5]!] }, action: { action: "gold", gold: { quality: 4 }, explanation: "Accurate and short." } });
    const [row] = await db.execute<{ status: string; gold: unknown; gold_explanation: string }>(sql`select status, gold, gold_explanation from items where id = ${ids[5]!}`);
    expect(row).toEqual({ status: "gold", gold: { quality: 4 }, gold_explanation: "Accurate and short." });
    expect((await getItemDetail(db, manager.actor, projectId, ids[5]!)).history.map((h) => h.what)).toContain("marked as gold");
    // A gold item stays in the data manager (datasets leave gold items out unless asked; the manager shows all).
    expect((await browseItems(db, manager.actor, projectId, { query: { state: "gold" } })).rows.map((r) => r.id)).toEqual([ids[5]!]);
    expect((await browseItems(db, manager.actor, projectId, { query: { q: "" } })).rows.map((r) => r.id)).toContain(ids[5]!);
  });

  it("sends items back for more answers: a done item is open again for one more reviewer, its consensus waits, and held items stay", async () => {
    const owner = await makeUser();
    const p = await createProject(db, owner.actor, { name: `Requeue ${Date.now()}` });
    await saveTemplate(db, owner.actor, p.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
    const [ada, ben] = [await makeUser(), await makeUser()];
    for (const r of [ada, ben]) await addMember(db, owner.actor, p.id, { email: r.email, role: "reviewer" });
    const [itemId] = (await addItems(db, owner.actor, p.id, [{ input: "Q", outputs: [{ text: "A" }] }])).ids as [number];
    await submitAnnotation(db, ada.actor, { itemId, values: { ok: "up" }, idempotencyKey: `rq-${itemId}-a` });
    await refreshResolutions(db, p.id);
    const state = async () =>
      (await db.execute<{ status: string; extra_answers: number; submitted_count: number; resolved: boolean }>(
        sql`select status, extra_answers, submitted_count, resolved_at is not null as resolved from items where id = ${itemId}`,
      ))[0];
    expect(await state()).toEqual({ status: "done", extra_answers: 0, submitted_count: 1, resolved: true });
    expect(await claimNextItem(db, ben.actor, p.id)).toBeNull();

    expect(await bulkItems(db, owner.actor, p.id, { selection: { ids: [itemId] }, action: { action: "requeue", more: 1 } })).toEqual({ action: "requeue", matched: 1, changed: 1, skipped: 0 });
    await refreshResolutions(db, p.id);
    expect(await state()).toEqual({ status: "open", extra_answers: 1, submitted_count: 1, resolved: false });
    // Ada answered it already; Ben gets it, and his answer completes it again.
    expect(await claimNextItem(db, ada.actor, p.id)).toBeNull();
    expect((await claimNextItem(db, ben.actor, p.id))?.itemId).toBe(itemId);
    await submitAnnotation(db, ben.actor, { itemId, values: { ok: "up" }, idempotencyKey: `rq-${itemId}-b` });
    await refreshResolutions(db, p.id);
    expect(await state()).toEqual({ status: "done", extra_answers: 1, submitted_count: 2, resolved: true });

    // A held item (an output feedback is about) is not sent to the queue.
    await db.execute(sql`update items set status = 'held' where id = ${itemId}`);
    expect(await bulkItems(db, owner.actor, p.id, { selection: { ids: [itemId] }, action: { action: "requeue", more: 2 } })).toMatchObject({ changed: 0, skipped: 1 });
    await expect(bulkItems(db, owner.actor, p.id, { selection: { ids: [itemId] }, action: { action: "requeue", more: 11 } })).rejects.toThrow(/action.more: At most 10/);
  });

  it("deletes only after the count is confirmed, with one audit entry", async () => {
    const selection = { ids: [ids[38]!, ids[39]!] };
    await expect(bulkItems(db, manager.actor, projectId, { selection, action: { action: "delete", confirmCount: 3 } })).rejects.toThrow(/confirmed deleting 3 items but 2 match/);
    expect(await bulkItems(db, manager.actor, projectId, { selection, action: { action: "delete", confirmCount: 2 } })).toMatchObject({ changed: 2 });
    const [left] = await db.execute<{ n: number }>(sql`select count(*)::int as n from items where id = any(${pgArray(selection.ids)}::bigint[])`);
    expect(left!.n).toBe(0);
    const audits = await db.execute<{ data: { count: number } }>(sql`select data from audit_log where action = 'items.bulk_delete' and target_id = ${projectId}`);
    expect(audits.map((a) => a.data.count)).toEqual([2]);
  });

  it("refuses reviewers, researchers and engineers, and bad input", async () => {
    const engineer = await makeUser();
    await addMember(db, manager.actor, projectId, { email: engineer.email, role: "engineer" });
    for (const who of [reviewer, researcher, engineer]) {
      await expect(bulkItems(db, who.actor, projectId, { selection: { ids: [ids[0]!] }, action: { action: "priority", priority: 1 } })).rejects.toThrow(
        "Only managers can change, mark as gold or delete items in bulk.",
      );
    }
    await expect(bulkItems(db, manager.actor, projectId, { selection: { ids: [ids[0]!] }, action: { action: "priority", priority: 2_000_000 } })).rejects.toThrow(/action.priority: At most 1,000,000/);
    await expect(bulkItems(db, manager.actor, projectId, { selection: { ids: [] }, action: { action: "requeue" } })).rejects.toThrow(/ids: Select at least one item/);
    await expect(bulkItems(db, manager.actor, projectId, { selection: { ids: [ids[0]!] }, action: { action: "explode" } as never })).rejects.toThrow(/Expected action to be one of/);
  });

  it("exports a selection as formula-safe CSV and as JSONL", async () => {
    const lines: string[] = [];
    for await (const line of await exportItems(db, manager.actor, projectId, { ids: [ids[7]!, ids[8]!] }, "csv")) lines.push(line);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain("Tell me about the forest number 7");
    const json: string[] = [];
    for await (const line of await exportItems(db, manager.actor, projectId, { query: { q: "desert" } }, "jsonl")) json.push(line);
    expect(json.map((l) => JSON.parse(l).externalId)).toEqual(ids.flatMap((_, n) => (n % 4 === 2 || n % 4 === 1 ? [`ext-${n}`] : [])).filter((e) => !["ext-38", "ext-39"].includes(e)));
    await expect(exportItems(db, researcher.actor, projectId, { ids: [ids[0]!] }, "csv")).rejects.toThrow(/Only managers and engineers can export datasets/);
  });
});

describe("getItemDetail", () => {
  it("shows answers with the reviewer per the name rules, the consensus and the history, and the neighbours in the browse", async () => {
    const lease = await claimNextItem(db, reviewer.actor, projectId);
    expect(lease).not.toBeNull();
    const itemId = lease!.itemId;
    await submitAnnotation(db, reviewer.actor, { itemId, values: { quality: 5 }, idempotencyKey: "dm-1" });
    const forManager = await getItemDetail(db, manager.actor, projectId, itemId);
    expect(forManager.answers.map((a) => [a.reviewer?.label, a.values])).toEqual([["Rita Reviewer", { quality: 5 }]]);
    expect(forManager.history.map((h) => h.what)).toEqual(expect.arrayContaining(["imported", "claimed", "submitted"]));
    const forResearcher = await getItemDetail(db, researcher.actor, projectId, itemId);
    expect(forResearcher.mayReadAnswers).toBe(false);
    expect(forResearcher.answers).toEqual([]);

    const engineer = await makeUser();
    await addMember(db, manager.actor, projectId, { email: engineer.email, role: "engineer" });
    const forEngineer = await getItemDetail(db, engineer.actor, projectId, itemId);
    expect(forEngineer.answers[0]!.reviewer?.label).toMatch(/^reviewer-/);

    const middle = await getItemDetail(db, manager.actor, projectId, ids[4]!, { query: { q: "volcano" } });
    expect(middle.neighbours).toMatchObject({ prev: ids[3], next: ids[8] });
    await expect(getItemDetail(db, manager.actor, projectId, 999_999_999)).rejects.toThrow("No such item in this project.");
  });
});
