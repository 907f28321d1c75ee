import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { computeMetrics } from "~/modules/insight/compute-metrics.server";
import { metricsQuerySchema } from "~/modules/insight/schemas";
import * as metricsRoute from "~/routes/api.v1.projects.$projectId.metrics";
import { makeInsightProject } from "~test/support/insight-project";
import { openApiDocument } from "./openapi.server";

async function get(projectId: string, key: string, search = "") {
  const request = new Request(`http://loupe.test/api/v1/projects/${projectId}/metrics${search}`, { headers: { authorization: `Bearer ${key}` } });
  const response = await metricsRoute.loader({ request, params: { projectId }, context: {} } as never);
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe("GET /api/v1/projects/:id/metrics", () => {
  it("answers exactly what the page's verb computes, for the same query; reviewers are refused; bad parameters are 400 naming the field", async () => {
    const f = await makeInsightProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "notebook" });
    const search = "?groupBy=metadata.lang&interval=week&segment=metadata.lang&from=2026-11-01&to=2026-11-30&minCount=2";
    const { status, json } = await get(f.projectId, key, search);
    expect(status).toBe(200);
    const direct = await computeMetrics(db, f.manager.actor, f.projectId, metricsQuerySchema.parse(Object.fromEntries(new URLSearchParams(search))));
    expect(json).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(json.groups.map((g: { group: string }) => g.group)).toEqual(["<img src=x onerror=alert(1)>", "en", "fr"]);
    expect(json.pairwise[0].leaderboard.value.models).toHaveLength(3);

    const reviewer = await createApiKey(db, f.reviewers[0]!.actor, { name: "r" });
    expect((await get(f.projectId, reviewer.key)).status).toBe(403);
    const engineer = await createApiKey(db, f.engineer.actor, { name: "e" });
    expect((await get(f.projectId, engineer.key)).status).toBe(200);

    const bad = await get(f.projectId, key, "?groupBy=colour&interval=month&from=2026-12-01&to=2026-11-01");
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { field: string }) => i.field).sort()).toEqual(["query.groupBy", "query.interval"]);
    const backwards = await get(f.projectId, key, "?from=2026-12-01&to=2026-11-01");
    expect(backwards.json.issues).toEqual([{ field: "query.to", message: "The start date is after the end date." }]);
  });

  it("is in the OpenAPI document with its parameters and the report schema", () => {
    const doc = openApiDocument() as { paths: Record<string, { get?: { parameters?: { name: string }[] } }>; components: { schemas: Record<string, unknown> } };
    const op = doc.paths["/api/v1/projects/{projectId}/metrics"]!.get!;
    expect(op.parameters!.map((p) => p.name).sort()).toEqual(["filter", "from", "groupBy", "interval", "minCount", "projectId", "segment", "to"]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["MetricsReport", "Estimate", "Leaderboard", "SegmentGap", "PositionBias"]));
  });
});
