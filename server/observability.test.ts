import fs from "node:fs";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runEndpoint } from "~/api/define.server";
import { getMe } from "~/api/endpoints/foundation.server";
import { db } from "~/db.server";
import { edge } from "~/edge.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { sessionCookie } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/sessions.server";
import { loadEnv } from "~/utils/env.server";
import { createLogger } from "~/utils/log.server";
import { makeUser } from "~test/factories";
import { createApp } from "./app";
import { routeOf } from "./metrics";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-observability-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const SECRET = "a session secret for the observability tests, long enough";
const METRICS_TOKEN = "metrics-token-0123456789abcdef";

/** A real Express app (edge, database) whose Remix build fails every request, so what is logged is the edge's own. */
async function serve(extra: Record<string, string>) {
  const lines: string[] = [];
  const env = loadEnv({ ...process.env, SESSION_SECRET: SECRET, LOUPE_DATA_DIR: dataDir, ...extra });
  const app = createApp({
    env,
    edge,
    log: createLogger("info", (_level, line) => lines.push(line), env.logFormat),
    build: () => Promise.reject(new Error("the page failed")),
    assets: { middleware: (_q, _s, next) => next() },
    isShuttingDown: () => false,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { lines, base, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("request ids and structured logs", () => {
  it("answers every request with an X-Request-Id, and a JSON log line names it with the signed-in actor and no secret", async () => {
    const app = await serve({ LOUPE_LOG_FORMAT: "json", LOUPE_ACCESS_LOG: "true" });
    const user = await makeUser();
    const { token } = await createSession(db, { userId: user.id, userAgent: "vitest" });
    const cookie = (await sessionCookie(false).serialize(token)).split(";")[0]!;
    try {
      const response = await fetch(`${app.base}/projects`, { headers: { cookie, "x-request-id": "from-a-client" } });
      expect(response.status).toBe(500);
      const id = response.headers.get("x-request-id")!;
      // Without LOUPE_TRUST_PROXY a client's id is not taken: Loupe makes its own.
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const entries = app.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const failure = entries.find((e) => e.level === "error")!;
      expect(failure).toMatchObject({ msg: "Unhandled error on GET /projects", requestId: id, actor: `user:${user.id}`, method: "GET", path: "/projects" });
      expect(failure.error).toContain("the page failed");
      const access = entries.find((e) => e.level === "info")!;
      expect(access).toMatchObject({ msg: "GET /projects 500", requestId: id, actor: `user:${user.id}`, status: 500 });
      expect(typeof access.ms).toBe("number");
      expect(app.lines.join("")).not.toContain(token);
    } finally {
      await app.close();
    }
  });

  it("takes a proxy's request id only behind a trusted proxy and only when it looks like one; text lines carry the fields too", async () => {
    const app = await serve({ LOUPE_TRUST_PROXY: "true", LOUPE_ACCESS_LOG: "true" });
    try {
      const given = await fetch(`${app.base}/healthz`, { headers: { "x-request-id": "lb-7f3a.2" } });
      expect(given.headers.get("x-request-id")).toBe("lb-7f3a.2");
      const hostile = await fetch(`${app.base}/healthz`, { headers: { "x-request-id": "a b<script>" } });
      expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.lines.find((l) => l.includes("requestId=lb-7f3a.2"))).toMatch(/ info {2}GET \/healthz 200 requestId=lb-7f3a\.2 actor=anonymous method=GET path=\/healthz status=200 ms=\d+\n$/);
    } finally {
      await app.close();
    }
  });

  it("names the API's actor once its key is checked", async () => {
    const user = await makeUser();
    const { key } = await createApiKey(db, { userId: user.id, isAdmin: false, via: "session" }, { name: "observed" });
    const observed: { actor?: string } = {};
    const answer = await runEndpoint(getMe, new Request("http://loupe.test/api/v1/me", { headers: { authorization: `Bearer ${key}` } }), {}, undefined, observed);
    expect(answer.status).toBe(200);
    expect(observed.actor).toBe(`user:${user.id}`);
  });
});

describe("/metrics", () => {
  it("is off without a token, refuses a wrong one, and with the right one counts requests by route and reads the instance's figures", async () => {
    const off = await serve({});
    try {
      expect((await fetch(`${off.base}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
    const app = await serve({ LOUPE_METRICS_TOKEN: METRICS_TOKEN });
    try {
      expect((await fetch(`${app.base}/metrics`)).status).toBe(401);
      expect((await fetch(`${app.base}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789abcdeX" } })).status).toBe(401);
      await fetch(`${app.base}/healthz`);
      await fetch(`${app.base}/projects/0b7d3c1e-3f7e-4c55-9a39-5d1f8f6a2b10/review/42`);
      const response = await fetch(`${app.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const text = await response.text();
      expect(text).toMatch(/^loupe_http_requests_total\{route="\/healthz",method="GET",status="200"\} 1$/m);
      expect(text).toMatch(/^loupe_http_requests_total\{route="\/projects\/:id\/review\/:n",method="GET",status="500"\} 1$/m);
      expect(text).toMatch(/^loupe_http_request_duration_seconds_count\{route="\/healthz",method="GET"\} 1$/m);
      expect(text).toMatch(/^loupe_database_up 1$/m);
      expect(text).toMatch(/^loupe_queue_open_items \d+$/m);
      expect(text).toMatch(/^loupe_queue_expired_leases \d+$/m);
      expect(text).toMatch(/^loupe_database_migrations [1-9]\d*$/m);
      expect(text).toMatch(/^loupe_database_connections\{state="active"\} [1-9]\d*$/m);
      expect(text).toMatch(/^loupe_process_resident_memory_bytes \d+/m);
      expect(text).not.toContain(METRICS_TOKEN);
    } finally {
      await app.close();
    }
  });

  it("labels routes without ids, tokens or unbounded parts", () => {
    expect(routeOf("/projects/0b7d3c1e-3f7e-4c55-9a39-5d1f8f6a2b10/review/42")).toBe("/projects/:id/review/:n");
    expect(routeOf("/invite/abcdefSECRET")).toBe("/invite/:token");
    expect(routeOf("/reset-password/xyz")).toBe("/reset-password/:token");
    expect(routeOf("/assets/entry.client-ABC.js")).toBe("/assets/*");
    expect(routeOf("/widget/loupe-feedback.js")).toBe("/widget/*");
    expect(routeOf("/")).toBe("/");
  });
});
