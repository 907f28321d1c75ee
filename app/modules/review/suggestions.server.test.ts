import { describe, expect, it } from "vitest";
import { suggestions } from "~db/schema";
import { db } from "~/db.server";
import { computeQuality } from "~/modules/quality/compute-quality.server";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { exportFormats } from "~/modules/datasets/schemas";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { makeDatasetProject } from "~test/support/dataset-project";
import { exportBytes } from "~test/support/export-bytes";
import { claimNextItem } from "./claim-next-item.server";
import { getReviewItem } from "./queries.server";
import { submitAnnotation } from "./submit-annotation.server";

async function resolutionsOf(projectId: string) {
  return db.execute(`select item_id, question_key, status, value, method, agreement, annotation_count, detail from resolutions where project_id = '${projectId}' order by item_id, question_key`);
}

describe("suggestions never count as human answers", () => {
  it("LLM suggestions that contradict every answer change no consensus, no quality figure and no byte of any export", async () => {
    const f = await makeDatasetProject();
    const before = await resolutionsOf(f.projectId);
    const quality = await computeQuality(db, f.manager.actor, f.projectId);
    const options = { labelQuestion: "intent", preferenceFromCorrections: true };
    const first = await createDataset(db, f.manager.actor, f.projectId, { name: "Before judging", filter: { status: "any" }, options });

    const contrary = { quality: 1, intent: "billing", topics: ["praise"], risks: ["toxicity"], preference: { winner: 0, shown: [0, 1] }, correction: { text: "judge text" }, comment: "judge comment" };
    await db.insert(suggestions).values(
      f.itemIds.flatMap((itemId) =>
        Object.entries(contrary).map(([questionKey, value]) => ({ itemId, questionKey, value, source: "gpt-x", origin: "llm" as const, model: "gpt-x", rationale: "I disagree." })),
      ),
    );
    await refreshResolutions(db, f.projectId);

    expect(await resolutionsOf(f.projectId)).toEqual(before);
    expect(await computeQuality(db, f.manager.actor, f.projectId)).toEqual(quality);
    const second = await createDataset(db, f.manager.actor, f.projectId, { name: "Before judging", filter: { status: "any" }, options });
    expect(second.version).toBe(2);
    expect(second.contentHash).toBe(first.contentHash);
    for (const format of exportFormats) {
      const [a, b] = [await exportBytes(f.manager.actor, first.id, format), await exportBytes(f.manager.actor, second.id, format)];
      expect(b.bytes.equals(a.bytes), format).toBe(true);
      expect(b.bytes.toString("latin1")).not.toContain("judge text");
    }
  });
});

describe("suggestions on the review screen", () => {
  async function setup(hide: boolean) {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Suggestions ${crypto.randomUUID().slice(0, 8)}` });
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
    if (hide) await updateProjectSettings(db, manager.actor, project.id, { hideSuggestionsUntilAnswered: true });
    const { ids } = await addItems(db, manager.actor, project.id, [{ input: "Hi", outputs: [{ text: "Hello" }] }]);
    await db.insert(suggestions).values({ itemId: ids[0]!, questionKey: "ok", value: "up", source: "gpt-x", origin: "llm", model: "gpt-x", rationale: "<b>Polite</b> greeting." });
    await claimNextItem(db, reviewer.actor, project.id);
    return { reviewer, itemId: ids[0]! };
  }

  it("come with their source, origin and rationale", async () => {
    const { reviewer, itemId } = await setup(false);
    const view = await getReviewItem(db, reviewer.actor, itemId);
    expect(view.suggestions).toEqual([{ questionKey: "ok", value: "up", confidence: null, source: "gpt-x", origin: "llm", rationale: "<b>Polite</b> greeting." }]);
  });

  it("with hideSuggestionsUntilAnswered, the reviewer gets none until they have submitted; then all of them", async () => {
    const { reviewer, itemId } = await setup(true);
    expect((await getReviewItem(db, reviewer.actor, itemId)).suggestions).toEqual([]);
    await submitAnnotation(db, reviewer.actor, { itemId, values: { ok: "down" }, idempotencyKey: "hide-1" });
    expect((await getReviewItem(db, reviewer.actor, itemId)).suggestions).toMatchObject([{ questionKey: "ok", value: "up", source: "gpt-x" }]);
  });
});
