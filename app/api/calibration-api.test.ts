import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addMember } from "~/modules/projects/add-member.server";
import * as calibrationRoute from "~/routes/api.v1.projects.$projectId.judge-calibration";
import { makeDatasetProject } from "~test/support/dataset-project";
import { makeUser } from "~test/factories";
import { judge, judgePrompt } from "~test/support/judge";
import { openApiDocument } from "./openapi.server";

async function get(projectId: string, key: string) {
  const request = new Request(`http://loupe.test/api/v1/projects/${projectId}/judge-calibration`, { headers: { authorization: `Bearer ${key}` } });
  const response = await calibrationRoute.loader({ request, params: { projectId }, context: {} } as never);
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe("GET /api/v1/projects/:id/judge-calibration", () => {
  it("answers each judge's figures and verdict to managers and engineers; researchers and reviewers 403, strangers 404", async () => {
    const f = await makeDatasetProject();
    await judge(f, "gpt-x", await judgePrompt(f, "Intent judge"), ["billing", "other", "billing", "billing", "shipping", "other"]);
    const engineer = await makeUser();
    const researcher = await makeUser();
    await addMember(db, f.manager.actor, f.projectId, { email: engineer.email, role: "engineer" });
    await addMember(db, f.manager.actor, f.projectId, { email: researcher.email, role: "researcher" });

    for (const actor of [f.manager.actor, engineer.actor]) {
      const { key } = await createApiKey(db, actor, { name: "script" });
      const { status, json } = await get(f.projectId, key);
      expect(status).toBe(200);
      const intent = json.questions.find((q: { key: string }) => q.key === "intent");
      expect(intent).toMatchObject({ figure: "kappa", resolvedItems: 5, judgedItems: 5 });
      // Consensus [shipping, other, other, billing, other] against [billing, other, billing, billing, other]:
      // sklearn cohen_kappa_score 0.375 (3 of 5 agree).
      expect(intent.judges[0]).toMatchObject({ model: "gpt-x", prompt: "Intent judge v1", items: 5, verdict: { code: "too-few" } });
      expect(intent.judges[0].kappa.value).toBeCloseTo(0.375, 14);
      expect(intent.judges[0].agreement.value).toBe(0.6);
      expect(intent.judges[0].confusion.counts).toEqual([[1, 0, 0], [1, 0, 0], [1, 0, 2]]);
      expect(JSON.stringify(json)).not.toContain("Because");
    }
    for (const actor of [researcher.actor, f.reviewers[0]!.actor]) {
      const { key } = await createApiKey(db, actor, { name: "script" });
      const refused = await get(f.projectId, key);
      expect(refused.status).toBe(403);
      expect(refused.json.error).toBe("Only managers and engineers can calibrate the LLM judge.");
    }
    const stranger = await createApiKey(db, (await makeUser()).actor, { name: "s" });
    expect((await get(f.projectId, stranger.key)).status).toBe(404);
  });

  it("is in the OpenAPI document with its report schema", () => {
    const doc = openApiDocument();
    const op = doc.paths!["/api/v1/projects/{projectId}/judge-calibration"]!.get!;
    expect(op.tags).toEqual(["quality"]);
    expect(Object.keys(op.responses!)).toEqual(expect.arrayContaining(["200", "401", "403", "404"]));
    expect(JSON.stringify(doc.components?.schemas?.CalibrationReport)).toContain("QuestionCalibration");
    expect(doc.components?.schemas?.JudgeCalibration).toBeDefined();
    expect(doc.components?.schemas?.ConfusionMatrix).toBeDefined();
  });
});
