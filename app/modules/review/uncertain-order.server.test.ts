import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { annotations, items, queueCursors } from "~db/schema";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { claimNextItem } from "./claim-next-item.server";
import { clearItemUncertainties, setItemUncertainties } from "./set-uncertainties.server";
import { submitAnnotation } from "./submit-annotation.server";

const answer = { quality: 4 };

/** A project in "uncertain" order whose items have the given priorities (index = item's place in `ids`). */
async function uncertainProject(options: { priorities: number[]; overlap: number; reviewers: number }) {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Uncertain ${randomUUID()}` });
  await saveTemplate(db, manager.actor, project.id, templatePresets["rate-and-correct"].template);
  await updateProjectSettings(db, manager.actor, project.id, { overlap: options.overlap, itemOrder: "uncertain" });
  const added = await addItems(
    db,
    manager.actor,
    project.id,
    options.priorities.map((priority, i) => ({ input: `Prompt ${i}`, outputs: [{ text: `Answer ${i}` }], externalId: `u-${i}`, priority })),
  );
  const reviewers = [];
  for (let i = 0; i < options.reviewers; i++) {
    const reviewer = await makeUser();
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    reviewers.push(reviewer);
  }
  return { manager, project, reviewers, ids: added.ids };
}

type Reviewer = Awaited<ReturnType<typeof makeUser>>;

/** Claims and answers until the queue is empty; the item ids in the order they came. */
async function workQueue(reviewer: Reviewer, projectId: string): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    const lease = await claimNextItem(db, reviewer.actor, projectId);
    if (!lease) return got;
    got.push(lease.itemId);
    await submitAnnotation(db, reviewer.actor, { itemId: lease.itemId, values: answer, idempotencyKey: randomUUID() });
  }
}

async function claimAndAnswer(reviewer: Reviewer, projectId: string): Promise<number> {
  const lease = await claimNextItem(db, reviewer.actor, projectId);
  await submitAnnotation(db, reviewer.actor, { itemId: lease!.itemId, values: answer, idempotencyKey: randomUUID() });
  return lease!.itemId;
}

describe('the "uncertain" queue order', () => {
  it("hands out the most uncertain item first (ties by id), then unpredicted items in priority order", async () => {
    const { project, reviewers, ids } = await uncertainProject({ priorities: [0, 5, 0, 9, 0, 1, 0], overlap: 1, reviewers: 1 });
    const [a, b, c, d, e, f, g] = ids as [number, number, number, number, number, number, number];
    // d and f are unpredicted despite their high priority; c and e tie.
    const written = await setItemUncertainties(db, project.id, [
      { itemId: a, uncertainty: 0.2 },
      { itemId: b, uncertainty: 0.9 },
      { itemId: c, uncertainty: 0.5 },
      { itemId: e, uncertainty: 0.5 },
      { itemId: g, uncertainty: 0.95 },
      { itemId: d, uncertainty: null },
    ]);
    expect(written).toBe(5);
    expect(await workQueue(reviewers[0]!, project.id)).toEqual([g, b, c, e, a, d, f]);
  });

  it("follows uncertainties rewritten between claims, even for items its walk has passed", async () => {
    const { project, reviewers, ids } = await uncertainProject({ priorities: [0, 0, 0, 0, 0], overlap: 2, reviewers: 1 });
    const [a, b, c, d, e] = ids as [number, number, number, number, number];
    await setItemUncertainties(db, project.id, [
      { itemId: a, uncertainty: 0.9 },
      { itemId: b, uncertainty: 0.8 },
      { itemId: c, uncertainty: 0.1 },
      { itemId: d, uncertainty: 0.5 },
      { itemId: e, uncertainty: 0.4 },
    ]);
    const reviewer = reviewers[0]!;
    expect(await claimAndAnswer(reviewer, project.id)).toBe(a);
    expect(await claimAndAnswer(reviewer, project.id)).toBe(b);
    const cursor = () => db.select().from(queueCursors).where(eq(queueCursors.projectId, project.id));
    expect(await cursor()).toHaveLength(1);
    // A new model is now least sure of c: it lands before the reviewer's place in the old order.
    expect(await setItemUncertainties(db, project.id, [{ itemId: c, uncertainty: 0.95 }])).toBe(1);
    expect(await cursor()).toEqual([]);
    expect(await claimAndAnswer(reviewer, project.id)).toBe(c);
    // Cleared: every item falls back to priority order (all equal here, so by id).
    expect(await clearItemUncertainties(db, project.id)).toBe(5);
    expect(await workQueue(reviewer, project.id)).toEqual([d, e]);
  });

  it("with overlap 2 and two reviewers at once, each item gets exactly two answers, none twice from one reviewer", async () => {
    const { project, reviewers, ids } = await uncertainProject({ priorities: Array.from({ length: 12 }, () => 0), overlap: 2, reviewers: 2 });
    await setItemUncertainties(
      db,
      project.id,
      ids.slice(0, 8).map((itemId, i) => ({ itemId, uncertainty: i / 10 })),
    );
    const rounds = await Promise.all(reviewers.map((r) => workQueue(r, project.id)));
    for (const got of rounds) {
      expect(new Set(got).size).toBe(got.length);
      expect(got).toHaveLength(12);
    }
    const counts = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(annotations)
      .where(eq(annotations.projectId, project.id))
      .groupBy(annotations.itemId);
    expect(counts.map((c) => c.n)).toEqual(Array.from({ length: 12 }, () => 2));
  });

  it("20 reviewers claiming at once get 20 different items, the 20 most uncertain", async () => {
    const { project, reviewers, ids } = await uncertainProject({ priorities: Array.from({ length: 30 }, () => 0), overlap: 1, reviewers: 20 });
    // Uncertainty rises with the id's place, so the 20 most uncertain are the last 20 items.
    await setItemUncertainties(
      db,
      project.id,
      ids.map((itemId, i) => ({ itemId, uncertainty: (i + 1) / 31 })),
    );
    const leases = await Promise.all(reviewers.map((r) => claimNextItem(db, r.actor, project.id)));
    const got = leases.map((l) => l!.itemId).sort((x, y) => x - y);
    expect(new Set(got).size).toBe(20);
    expect(got).toEqual(ids.slice(10));
  });
});

describe("setItemUncertainties", () => {
  it("refuses NaN and values outside [0, 1] by row and item, writing nothing; clamps rounding; ignores other projects' items", async () => {
    const { project, ids } = await uncertainProject({ priorities: [0, 0], overlap: 1, reviewers: 0 });
    const other = await uncertainProject({ priorities: [0], overlap: 1, reviewers: 0 });
    const [a, b] = ids as [number, number];
    const stored = async (projectId: string) =>
      (await db.select({ u: items.uncertainty }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id)).map((r) => r.u);

    await expect(
      setItemUncertainties(db, project.id, [
        { itemId: a, uncertainty: 0.5 },
        { itemId: b, uncertainty: Number.NaN },
      ]),
    ).rejects.toThrow(`Row 2: the uncertainty of item ${b} is NaN; expected a number from 0 to 1, or null.`);
    await expect(setItemUncertainties(db, project.id, [{ itemId: a, uncertainty: 1.5 }])).rejects.toThrow(
      `Row 1: the uncertainty of item ${a} is 1.5; expected a number from 0 to 1, or null.`,
    );
    await expect(setItemUncertainties(db, project.id, [{ itemId: a, uncertainty: -0.01 }])).rejects.toThrow(/is -0\.01; expected a number from 0 to 1/);
    await expect(
      setItemUncertainties(db, project.id, [
        { itemId: a, uncertainty: 0.1 },
        { itemId: a, uncertainty: 0.2 },
      ]),
    ).rejects.toThrow(`Row 2: item ${a} appears twice`);
    expect(await stored(project.id)).toEqual([null, null]);

    const changed = await setItemUncertainties(db, project.id, [
      { itemId: a, uncertainty: 1 + 1e-9 },
      { itemId: b, uncertainty: -1e-9 },
      { itemId: other.ids[0]!, uncertainty: 0.7 },
    ]);
    expect(changed).toBe(2);
    expect(await stored(project.id)).toEqual([1, 0]);
    expect(await stored(other.project.id)).toEqual([null]);
    // The same values again change nothing.
    expect(await setItemUncertainties(db, project.id, [{ itemId: a, uncertainty: 1 }])).toBe(0);
  });

  it("writes more than one batch of 10,000 rows", async () => {
    const { project, ids } = await uncertainProject({ priorities: [0, 0, 0], overlap: 1, reviewers: 0 });
    // why: ids of no item (and of nobody's project) fill the first batch, so the real rows land in the second and third.
    const filler = Array.from({ length: 10_000 }, (_, i) => ({ itemId: -1 - i, uncertainty: 0.5 }));
    const rows = [...filler, { itemId: ids[0]!, uncertainty: 0.25 }, ...filler.map((r) => ({ ...r, itemId: r.itemId - 10_000 })), { itemId: ids[1]!, uncertainty: 0.75 }];
    expect(await setItemUncertainties(db, project.id, rows)).toBe(2);
    const stored = await db.select({ u: items.uncertainty }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
    expect(stored.map((r) => r.u)).toEqual([0.25, 0.75, null]);
  });
});
