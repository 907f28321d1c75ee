import { randomBytes, randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { feedback, ingestKeys } from "~db/schema";
import { db } from "~/db.server";
import { sha256 } from "~/modules/auth/crypto.server";
import { findWidgetKey, frameAncestorsOf } from "~/modules/feedback/widget-key.server";
import { createProject } from "~/modules/projects/create-project.server";
import { makeUser } from "~test/factories";
import { forwardDemoPost, forwardFramePost } from "./widget-forward.server";

// The frame's and demo page's own posts (app/routes/widget.{frame,demo}.ts): what they refuse
// before anything reaches POST /api/v1/feedback. What the API then does is its own tests'.

async function keyFor(origins: string[], revoked = false) {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Widget ${randomUUID()}` });
  const prefix = randomBytes(4).toString("hex");
  const key = `lfi_${prefix}_${randomBytes(24).toString("base64url")}`;
  await db.insert(ingestKeys).values({ projectId: project.id, name: "k", prefix: `lfi_${prefix}`, keyHash: sha256(key), allowedOrigins: origins, revokedAt: revoked ? new Date() : null });
  return { key, projectId: project.id };
}

function post(path: string, key: string | null, body: unknown): ActionFunctionArgs {
  const headers: Record<string, string> = { "content-type": "application/json", origin: "http://loupe.test" };
  if (key) headers.authorization = `Bearer ${key}`;
  const request = new Request(`http://loupe.test${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { request, params: {}, context: {} as ActionFunctionArgs["context"] };
}

const record = { id: "c-1", thumbs: "up", comment: "Nice." };

describe("the widget's ingest keys", () => {
  it("finds a live key by the key itself, never a revoked, unknown or malformed one", async () => {
    const live = await keyFor(["https://shop.example"]);
    const revoked = await keyFor(["https://shop.example"], true);
    expect(await findWidgetKey(db, live.key)).toMatchObject({ projectId: live.projectId, allowedOrigins: ["https://shop.example"] });
    expect(await findWidgetKey(db, revoked.key)).toBeNull();
    expect(await findWidgetKey(db, `${live.key}x`)).toBeNull();
    expect(await findWidgetKey(db, "lfi_zz_short")).toBeNull();
    expect(await findWidgetKey(db, null)).toBeNull();
  });

  it("puts only exact http(s) origins into frame-ancestors", () => {
    expect(
      frameAncestorsOf(["https://shop.example", "http://localhost:8080", "https://shop.example/", "https://a.example; script-src *", "*", "'self'", "javascript:alert(1)", "https://x.example 'unsafe-inline'"]),
    ).toEqual(["https://shop.example", "http://localhost:8080"]);
  });
});

describe("the frame's post", () => {
  it("is refused for an unknown key, a bad body, and an embedding origin the key does not list; nothing is stored", async () => {
    const { key, projectId } = await keyFor(["https://shop.example"]);
    const answers = [
      await forwardFramePost(post("/widget/frame", null, { embedder: "https://shop.example", record })),
      await forwardFramePost(post("/widget/frame", `${key}0`, { embedder: "https://shop.example", record })),
      await forwardFramePost(post("/widget/frame", key, "not json")),
      await forwardFramePost(post("/widget/frame", key, { embedder: "https://evil.example", record })),
      await forwardFramePost(post("/widget/frame", key, { embedder: null, record })),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 400, 403, 403]);
    expect(await answers[3]!.json()).toEqual({ error: "This ingest key does not accept feedback from https://evil.example." });
    expect(await db.select().from(feedback).where(eq(feedback.projectId, projectId))).toEqual([]);
  });

  it("the demo page's post needs a live key too", async () => {
    const { key } = await keyFor([], true);
    expect((await forwardDemoPost(post("/widget/demo", key, { record }))).status).toBe(401);
  });
});
