import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import * as claimRoute from "~/routes/api.v1.projects.$projectId.queue.claim";
import { makeUser } from "~test/factories";
import { claimNextItem } from "./claim-next-item.server";
import { getReviewItem } from "./queries.server";

const metadata = { model: "gpt-4o", prompt_version: "v7", latency_ms: 812, language: "de", customer_tier: "gold" };

async function setup(outputs: { text: string; model?: string }[]) {
  const manager = await makeUser();
  const reviewer = await makeUser();
  const engineer = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Blind ${crypto.randomUUID().slice(0, 8)}` });
  await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
  await addMember(db, manager.actor, project.id, { email: engineer.email, role: "engineer" });
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
  const { ids } = await addItems(db, manager.actor, project.id, [{ input: "Hi", outputs, metadata }]);
  return { manager, reviewer, engineer, projectId: project.id, itemId: ids[0]! };
}

describe("blind review by default", () => {
  it("a reviewer sees no model name and no metadata on a single-output item; managers and engineers see everything", async () => {
    const t = await setup([{ text: "Hello", model: "gpt-4o" }]);
    await claimNextItem(db, t.reviewer.actor, t.projectId);
    const seen = await getReviewItem(db, t.reviewer.actor, t.itemId);
    expect(seen.item.outputs).toEqual([{ text: "Hello" }]);
    expect(seen.item.metadata).toEqual({});
    expect(JSON.stringify(seen)).not.toContain("gpt-4o");
    for (const member of [t.manager, t.engineer]) {
      const full = await getReviewItem(db, member.actor, t.itemId);
      expect(full.item.outputs).toEqual([{ text: "Hello", model: "gpt-4o" }]);
      expect(full.item.metadata).toEqual(metadata);
    }
  });

  it("shows reviewers exactly the fields the project names: model names and chosen metadata fields", async () => {
    const t = await setup([
      { text: "A", model: "gpt-4o" },
      { text: "B", model: "llama-3" },
    ]);
    await updateProjectSettings(db, t.manager.actor, t.projectId, { reviewerVisibleFields: ["model", "language", "language"] });
    await claimNextItem(db, t.reviewer.actor, t.projectId);
    const seen = await getReviewItem(db, t.reviewer.actor, t.itemId);
    expect(seen.item.outputs).toEqual([
      { text: "A", model: "gpt-4o" },
      { text: "B", model: "llama-3" },
    ]);
    // "model" names the outputs' models, not the metadata field of that name.
    expect(seen.item.metadata).toEqual({ model: "gpt-4o", language: "de" });
    expect(seen.project).not.toHaveProperty("reviewerVisibleFields");

    await updateProjectSettings(db, t.manager.actor, t.projectId, { reviewerVisibleFields: ["customer_tier"] });
    const again = await getReviewItem(db, t.reviewer.actor, t.itemId);
    expect(again.item.outputs).toEqual([{ text: "A" }, { text: "B" }]);
    expect(again.item.metadata).toEqual({ customer_tier: "gold" });
  });

  it("refuses bad field lists with the field named", async () => {
    const t = await setup([{ text: "Hello" }]);
    await expect(updateProjectSettings(db, t.manager.actor, t.projectId, { reviewerVisibleFields: ["ok", " "] })).rejects.toMatchObject({
      issues: [{ field: "reviewerVisibleFields.1", message: "A field name cannot be blank." }],
    });
    await expect(updateProjectSettings(db, t.manager.actor, t.projectId, { reviewerVisibleFields: Array.from({ length: 51 }, (_, i) => `f${i}`) })).rejects.toMatchObject({
      issues: [{ field: "reviewerVisibleFields", message: "Name at most 50 fields." }],
    });
  });

  it("headless review through the API is blind too", async () => {
    const t = await setup([{ text: "Hello", model: "gpt-4o" }]);
    const { key } = await createApiKey(db, t.reviewer.actor, { name: "blind" });
    const request = new Request(`http://loupe.test/api/v1/projects/${t.projectId}/queue/claim`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    const response = await claimRoute.action({ request, params: { projectId: t.projectId }, context: {} } as never);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { item: { outputs: unknown; metadata: unknown } };
    expect(body.item.outputs).toEqual([{ text: "Hello" }]);
    expect(body.item.metadata).toEqual({});
  });
});
