import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
import { saveDraft } from "~/modules/review/save-draft.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { QuestionInput } from "~/modules/templates/schemas";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { adjudicate, clearAdjudication } from "./adjudicate.server";
import { nextDisagreement } from "./queries.server";
import { refreshResolutions } from "./refresh-resolutions.server";

const questions: QuestionInput[] = [
  { key: "quality", kind: "rating", text: "How good?", min: 1, max: 5 },
  { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] },
  { key: "comment", kind: "text", text: "Comment" },
];

async function project(options: { overlap?: number; items?: number; reviewers?: number } = {}) {
  const manager = await makeUser({ name: "Mona Manager" });
  const p = await createProject(db, manager.actor, { name: `Resolution ${randomUUID().slice(0, 8)}` });
  await saveTemplate(db, manager.actor, p.id, { questions });
  await updateProjectSettings(db, manager.actor, p.id, { overlap: options.overlap ?? 2 });
  const reviewers = [];
  for (let i = 0; i < (options.reviewers ?? 3); i++) {
    const r = await makeUser({ name: `Reviewer ${i + 1}` });
    await addMember(db, manager.actor, p.id, { email: r.email, role: "reviewer" });
    reviewers.push(r);
  }
  const ids: number[] = [];
  for (let from = 0; from < (options.items ?? 1); from += 1000) {
    const chunk = Array.from({ length: Math.min(1000, (options.items ?? 1) - from) }, (_, i) => ({ input: `Question ${from + i}`, outputs: [{ text: `Answer ${from + i}` }] }));
    ids.push(...(await addItems(db, manager.actor, p.id, chunk)).ids);
  }
  return { manager, projectId: p.id, reviewers, itemIds: ids };
}

const sql = () => sqlOf(db);
const resolutionsOf = (itemId: number) =>
  sql()<{ question_key: string; status: string; value: unknown; method: string; agreement: number | null; annotation_count: number }[]>`
    select question_key, status, value, method, agreement, annotation_count from resolutions where item_id = ${itemId} order by question_key`;
const resolvedAt = async (itemId: number) => (await sql()<{ resolved_at: Date | null }[]>`select resolved_at from items where id = ${itemId}`)[0]!.resolved_at;
const marks = async (projectId: string) => (await sql()<{ n: number }[]>`select count(*)::int as n from resolution_stale where project_id = ${projectId}`)[0]!.n;
const submit = (reviewer: { actor: Parameters<typeof submitAnnotation>[1] }, itemId: number, values: Record<string, unknown>) =>
  submitAnnotation(db, reviewer.actor, { itemId, values, idempotencyKey: randomUUID() });

describe("refreshResolutions", () => {
  it("resolves an item once it has the answers its overlap wants and they agree; the marks are gone after", async () => {
    const f = await project();
    const [item] = f.itemIds;
    await submit(f.reviewers[0]!, item!, { quality: 4, intent: "billing", comment: "fine" });
    expect(await marks(f.projectId)).toBe(1);
    await refreshResolutions(db, f.projectId);
    expect(await resolvedAt(item!)).toBeNull();
    expect(await resolutionsOf(item!)).toEqual([
      { question_key: "intent", status: "resolved", value: "billing", method: "single", agreement: null, annotation_count: 1 },
      { question_key: "quality", status: "resolved", value: 4, method: "single", agreement: null, annotation_count: 1 },
    ]);

    await submit(f.reviewers[1]!, item!, { quality: 5, intent: "billing" });
    const outcome = await refreshResolutions(db, f.projectId);
    expect(outcome).toEqual({ items: 1, resolved: 1 });
    expect(await resolvedAt(item!)).not.toBeNull();
    expect(await resolutionsOf(item!)).toEqual([
      { question_key: "intent", status: "resolved", value: "billing", method: "majority", agreement: 1, annotation_count: 2 },
      { question_key: "quality", status: "resolved", value: 4.5, method: "mean", agreement: 0.5, annotation_count: 2 },
    ]);
    expect(await marks(f.projectId)).toBe(0);
  });

  it("an edit that breaks the consensus clears resolved_at; drafts mark nothing", async () => {
    const f = await project();
    const [item] = f.itemIds;
    await submit(f.reviewers[0]!, item!, { intent: "billing" });
    const second = await submit(f.reviewers[1]!, item!, { intent: "billing" });
    await refreshResolutions(db, f.projectId);
    expect(await resolvedAt(item!)).not.toBeNull();

    const lease = await claimNextItem(db, f.reviewers[2]!.actor, f.projectId);
    expect(lease).toBeNull(); // the item is full; a draft elsewhere must not mark anything either
    await editAnnotation(db, f.reviewers[1]!.actor, { annotationId: second.id, values: { intent: "shipping" }, version: second.version });
    expect(await marks(f.projectId)).toBe(1);
    await refreshResolutions(db, f.projectId);
    expect(await resolvedAt(item!)).toBeNull();
    expect((await resolutionsOf(item!))[0]).toMatchObject({ question_key: "intent", status: "unresolved", value: null, agreement: 0.5 });
  });

  it("a draft does not mark its item", async () => {
    const f = await project();
    const lease = await claimNextItem(db, f.reviewers[0]!.actor, f.projectId);
    await saveDraft(db, f.reviewers[0]!.actor, { itemId: lease!.itemId, values: { intent: "billing" } });
    expect(await marks(f.projectId)).toBe(0);
  });

  it("raising the overlap marks the whole project: resolved items wait for their extra answer", async () => {
    const f = await project({ items: 3 });
    for (const item of f.itemIds) for (const r of f.reviewers.slice(0, 2)) await submit(r, item, { intent: "billing" });
    await refreshResolutions(db, f.projectId);
    for (const item of f.itemIds) expect(await resolvedAt(item)).not.toBeNull();

    await updateProjectSettings(db, f.manager.actor, f.projectId, { overlap: 3 });
    expect(await marks(f.projectId)).toBe(0); // marked project-wide, expanded by the refresh
    expect(await refreshResolutions(db, f.projectId)).toEqual({ items: 3, resolved: 0 });
    for (const item of f.itemIds) expect(await resolvedAt(item)).toBeNull();
  });

  it("a deleted answer marks its item and unresolves it; deleting items and projects with answers still works", async () => {
    const f = await project();
    const [item] = f.itemIds;
    await submit(f.reviewers[0]!, item!, { intent: "billing" });
    const second = await submit(f.reviewers[1]!, item!, { intent: "billing" });
    await refreshResolutions(db, f.projectId);
    expect(await resolvedAt(item!)).not.toBeNull();
    await sql()`delete from annotations where id = ${second.id}`;
    expect(await marks(f.projectId)).toBe(1);
    await refreshResolutions(db, f.projectId);
    expect(await resolvedAt(item!)).toBeNull();
    expect((await resolutionsOf(item!))[0]).toMatchObject({ method: "single", annotation_count: 1 });

    await sql()`delete from items where id = ${item!}`;
    expect(await marks(f.projectId)).toBe(0);

    const other = await project({ items: 2 });
    for (const i of other.itemIds) await submit(other.reviewers[0]!, i, { intent: "shipping" });
    await refreshResolutions(db, other.projectId);
    expect(await marks(other.projectId)).toBe(0);
    await sql()`delete from projects where id = ${other.projectId}`;
    expect((await sql()`select 1 from items where project_id = ${other.projectId}`).length).toBe(0);
  });

  it("catches answers written by any path, in batches bigger than one transaction's", async () => {
    const f = await project({ items: 1200, overlap: 1, reviewers: 1 });
    const [reviewer] = f.reviewers;
    // why: straight SQL, as an import or a script would write; only the trigger sees it.
    await sql()`
      insert into annotations (item_id, project_id, user_id, template_version, values, status, submitted_at)
      select id, project_id, ${reviewer!.id}, 1, jsonb_build_object('quality', 1 + id % 5), 'submitted', now() from items where project_id = ${f.projectId}`;
    expect(await marks(f.projectId)).toBe(1200);
    expect(await refreshResolutions(db, f.projectId)).toEqual({ items: 1200, resolved: 1200 });
    const [{ n }] = await sql()<[{ n: number }]>`select count(*)::int as n from items where project_id = ${f.projectId} and resolved_at is not null`;
    expect(n).toBe(1200);
  });
});

describe("adjudication", () => {
  async function disagreement() {
    const f = await project();
    const [item] = f.itemIds;
    const first = await submit(f.reviewers[0]!, item!, { quality: 2, intent: "billing" });
    const second = await submit(f.reviewers[1]!, item!, { quality: 5, intent: "shipping" });
    await refreshResolutions(db, f.projectId);
    expect(await resolvedAt(item!)).toBeNull();
    return { ...f, item: item!, first, second };
  }

  it("a manager picks one reviewer's answer: the item becomes resolved, the choice survives later refreshes, and it is audited", async () => {
    const f = await disagreement();
    const outcome = await adjudicate(db, f.manager.actor, { itemId: f.item, questionKey: "intent", fromAnnotationId: f.second.id });
    expect(outcome).toMatchObject({ status: "resolved", value: "shipping", method: "adjudicated" });
    expect(outcome.resolvedAt).not.toBeNull();

    // A later edit changes the votes, not the adjudicated value.
    await editAnnotation(db, f.reviewers[0]!.actor, { annotationId: f.first.id, values: { quality: 3, intent: "billing" }, version: f.first.version });
    await refreshResolutions(db, f.projectId);
    expect((await resolutionsOf(f.item)).find((r) => r.question_key === "intent")).toMatchObject({ status: "resolved", value: "shipping", method: "adjudicated", agreement: 0.5, annotation_count: 2 });
    expect(await resolvedAt(f.item)).not.toBeNull();

    const audit = await sql()<{ action: string; actor_user_id: string; data: { question: string; value: unknown } }[]>`
      select action, actor_user_id, data from audit_log where target_type = 'item' and target_id = ${String(f.item)}`;
    expect(audit).toEqual([{ action: "resolution.adjudicate", actor_user_id: f.manager.id, data: { question: "intent", value: "shipping", fromAnnotation: f.second.id } }]);
  });

  it("a manager writes the final answer; clearing it goes back to the votes and unresolves the item", async () => {
    const f = await disagreement();
    await adjudicate(db, f.manager.actor, { itemId: f.item, questionKey: "intent", value: "billing" });
    expect(await resolvedAt(f.item)).not.toBeNull();
    const cleared = await clearAdjudication(db, f.manager.actor, { itemId: f.item, questionKey: "intent" });
    expect(cleared).toMatchObject({ status: "unresolved", value: null, method: "majority", resolvedAt: null });
    await expect(clearAdjudication(db, f.manager.actor, { itemId: f.item, questionKey: "intent" })).rejects.toThrow(NotFoundError);
  });

  it("refuses reviewers (403) and outsiders (404), and names the field of a bad value", async () => {
    const f = await disagreement();
    await expect(adjudicate(db, f.reviewers[0]!.actor, { itemId: f.item, questionKey: "intent", value: "billing" })).rejects.toThrow(ForbiddenError);
    const outsider = await makeUser();
    await expect(adjudicate(db, outsider.actor, { itemId: f.item, questionKey: "intent", value: "billing" })).rejects.toThrow(NotFoundError);

    const bad = await adjudicate(db, f.manager.actor, { itemId: f.item, questionKey: "quality", value: 9 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues).toEqual([{ field: "value", message: "Expected a whole number from 1 to 5." }]);
    const unknownKey = await adjudicate(db, f.manager.actor, { itemId: f.item, questionKey: "comment", value: "x" }).catch((e: unknown) => e);
    expect((unknownKey as ValidationError).issues).toEqual([{ field: "questionKey", message: "A text question has no final answer to adjudicate." }]);
    const otherItem = await adjudicate(db, f.manager.actor, { itemId: f.item, questionKey: "intent", fromAnnotationId: randomUUID() }).catch((e: unknown) => e);
    expect((otherItem as ValidationError).issues?.[0]?.field).toBe("fromAnnotationId");
    // Nothing was written by the refused attempts.
    expect((await resolutionsOf(f.item)).map((r) => r.method)).toEqual(["majority", "mean"]);
  });

  it("a tie is a final answer where the question allows ties: taken from a reviewer or written, and refused where ties are not allowed", async () => {
    async function pairwiseItem(allowTie: boolean, answers: unknown[]) {
      const manager = await makeUser({ name: "Tia Manager" });
      const p = await createProject(db, manager.actor, { name: `Ties ${randomUUID().slice(0, 8)}` });
      await saveTemplate(db, manager.actor, p.id, { questions: [{ key: "better", kind: "pairwise", text: "Which is better?", allowTie }] });
      await updateProjectSettings(db, manager.actor, p.id, { overlap: 2 });
      const { ids } = await addItems(db, manager.actor, p.id, [{ input: "Q", outputs: [{ text: "A" }, { text: "B" }] }]);
      const annotations = [];
      for (const value of answers) {
        const r = await makeUser();
        await addMember(db, manager.actor, p.id, { email: r.email, role: "reviewer" });
        annotations.push(await submit(r, ids[0]!, { better: value }));
      }
      await refreshResolutions(db, p.id);
      return { manager, item: ids[0]!, annotations };
    }

    const ties = await pairwiseItem(true, [{ winner: "tie", shown: [0, 1] }, { winner: 1, shown: [1, 0] }]);
    const picked = await adjudicate(db, ties.manager.actor, { itemId: ties.item, questionKey: "better", fromAnnotationId: ties.annotations[0]!.id });
    expect(picked).toMatchObject({ status: "resolved", value: { winner: "tie" }, method: "adjudicated" });
    await clearAdjudication(db, ties.manager.actor, { itemId: ties.item, questionKey: "better" });
    const written = await adjudicate(db, ties.manager.actor, { itemId: ties.item, questionKey: "better", value: { winner: "tie", shown: [0, 1] } });
    expect(written).toMatchObject({ status: "resolved", value: { winner: "tie" } });

    const strict = await pairwiseItem(false, [{ winner: 0, shown: [0, 1] }, { winner: 1, shown: [1, 0] }]);
    const refused = await adjudicate(db, strict.manager.actor, { itemId: strict.item, questionKey: "better", value: { winner: "tie", shown: [0, 1] } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues).toEqual([{ field: "value", message: "Expected winner to be an output index below 2." }]);
  });
});

describe("nextDisagreement", () => {
  it("walks open disagreements in item order under the filter, wraps to the first, skips settled ones, and ends with null", async () => {
    const f = await project({ items: 4 });
    const [a, b, c, d] = f.itemIds as [number, number, number, number];
    // a and c disagree on intent; b agrees; d disagrees on quality only.
    await submit(f.reviewers[0]!, a, { quality: 3, intent: "billing" });
    await submit(f.reviewers[1]!, a, { quality: 3, intent: "shipping" });
    await submit(f.reviewers[0]!, b, { quality: 3, intent: "billing" });
    await submit(f.reviewers[1]!, b, { quality: 3, intent: "billing" });
    await submit(f.reviewers[0]!, c, { quality: 3, intent: "billing" });
    await submit(f.reviewers[1]!, c, { quality: 3, intent: "shipping" });
    await submit(f.reviewers[0]!, d, { quality: 1, intent: "billing" });
    await submit(f.reviewers[1]!, d, { quality: 5, intent: "billing" });
    await refreshResolutions(db, f.projectId);

    expect(await nextDisagreement(db, f.manager.actor, f.projectId, a)).toBe(c);
    expect(await nextDisagreement(db, f.manager.actor, f.projectId, c)).toBe(d);
    expect(await nextDisagreement(db, f.manager.actor, f.projectId, d)).toBe(a);
    expect(await nextDisagreement(db, f.manager.actor, f.projectId, a, { question: "intent" })).toBe(c);
    expect(await nextDisagreement(db, f.manager.actor, f.projectId, c, { question: "intent" })).toBe(a);
    expect(await nextDisagreement(db, f.manager.actor, f.projectId, a, { minSpread: 3 })).toBe(d);

    await adjudicate(db, f.manager.actor, { itemId: c, questionKey: "intent", value: "billing" });
    expect(await nextDisagreement(db, f.manager.actor, f.projectId, a, { question: "intent" })).toBeNull();
    await expect(nextDisagreement(db, f.reviewers[0]!.actor, f.projectId, a)).rejects.toThrow(ForbiddenError);
  });
});
