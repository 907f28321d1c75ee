import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addMember } from "~/modules/projects/add-member.server";
import * as distillationRoute from "~/routes/api.v1.projects.$projectId.distillation";
import { makeUser } from "~test/factories";
import { makeDistillationProject } from "~test/support/distillation-project";
import { openApiDocument } from "./openapi.server";

async function get(projectId: string, key: string) {
  const request = new Request(`http://loupe.test/api/v1/projects/${projectId}/distillation`, { headers: { authorization: `Bearer ${key}` } });
  const response = await distillationRoute.loader({ request, params: { projectId }, context: {} } as never);
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe("GET /api/v1/projects/{projectId}/distillation", () => {
  it("answers managers and engineers with the report; reviewers 403, strangers 404", async () => {
    const f = await makeDistillationProject({ hourlyUsd: 36 });
    const engineer = await makeUser();
    await addMember(db, f.manager.actor, f.projectId, { email: engineer.email, role: "engineer" });
    const manager = await get(f.projectId, (await createApiKey(db, f.manager.actor, { name: "m" })).key);
    expect(manager.status).toBe(200);
    expect(manager.json).toMatchObject({
      projectId: f.projectId,
      question: { key: "intent" },
      reviewerHourlyUsd: 36,
      labelsNeeded: { moreLabels: 866 },
      verdict: { code: "label-more", text: "label 866 more" },
    });
    expect(manager.json.routes.map((r: { route: string; n: number }) => [r.route, r.n])).toEqual([
      ["llm", 24],
      ["classifier", 50],
      ["people", 48],
    ]);
    const asEngineer = await get(f.projectId, (await createApiKey(db, engineer.actor, { name: "e" })).key);
    expect(asEngineer).toMatchObject({ status: 200, json: { verdict: { code: "label-more" } } });
    expect((await get(f.projectId, (await createApiKey(db, f.reviewers[0]!.actor, { name: "r" })).key)).status).toBe(403);
    expect((await get(f.projectId, (await createApiKey(db, (await makeUser()).actor, { name: "s" })).key)).status).toBe(404);
  });

  it("is in the OpenAPI document with its schema", () => {
    const doc = openApiDocument();
    expect(doc.paths!["/api/v1/projects/{projectId}/distillation"]!.get!.tags).toEqual(["classifier"]);
    expect(doc.components?.schemas?.DistillationReport).toBeDefined();
  });
});
