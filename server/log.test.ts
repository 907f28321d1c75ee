import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "~db/schema";
import { db } from "~/db.server";
import { handleError } from "~/entry.server";
import { runEndpoint, type Endpoint } from "~/api/define.server";
import { hashPassword } from "~/modules/auth/password.server";
import { loadEnv } from "~/utils/env.server";
import { edge } from "~/edge.server";
import { createApp } from "./app";
import { createLogger, describeError } from "~/utils/log.server";

/**
 * A real failed statement whose parameters hold a password hash: PostgreSQL refuses the NUL in
 * the name (22021), and Drizzle's error carries every parameter in its message.
 */
async function failedInsertWithHash(): Promise<{ error: Error; hash: string }> {
  const hash = await hashPassword(`secret ${randomUUID()}`);
  const error = await db
    .insert(users)
    .values({ email: `${randomUUID()}@example.com`, name: "Nul\u0000Name", passwordHash: hash })
    .then(() => new Error("the insert was expected to fail"))
    .catch((e: unknown) => e as Error);
  // The premise: left alone, the error would print the hash.
  expect(`${error.message}\n${error.stack}`).toContain(hash);
  return { error, hash };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-log-"));
let stderr: string[] = [];

beforeAll(() => {
  loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the logging tests, long enough", LOUPE_DATA_DIR: dataDir, LOUPE_LOG_LEVEL: "info" });
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  stderr = [];
});

/** What this process writes to stderr while `fn` runs (where Loupe's error lines go). */
async function stderrOf(fn: () => Promise<unknown> | unknown): Promise<string> {
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  await fn();
  vi.restoreAllMocks();
  return stderr.join("");
}

describe("logged errors never carry statement parameters", () => {
  it("describes a failed statement by its SQL, code and cause, without the values", async () => {
    const { error, hash } = await failedInsertWithHash();
    const text = describeError(error);
    expect(text).not.toContain(hash);
    expect(text).not.toContain("$argon2id$");
    expect(text).not.toContain("Nul\u0000Name");
    expect(text).toContain('Failed query: insert into "users"');
    expect(text).toContain("PostgresError 22021");
    expect(text).toMatch(/\n\s+at /);
  });

  it("hides the value PostgreSQL quotes in a data exception", async () => {
    const error = await db.execute(sql`select ${"not-a-uuid-secret"}::uuid`).catch((e: unknown) => e);
    expect(describeError(error)).toContain("invalid input syntax for type uuid");
    expect(describeError(error)).not.toContain("not-a-uuid-secret");
  });

  it("a server whose request fails that way logs the failure and no hash", async () => {
    const { error, hash } = await failedInsertWithHash();
    const lines: string[] = [];
    const env = loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the logging tests, long enough", LOUPE_DATA_DIR: dataDir });
    const app = createApp({
      env,
      edge,
      log: createLogger("info", (_level, line) => lines.push(line)),
      // why: the request fails inside the Remix handler, where loaders and actions run.
      build: () => Promise.reject(error),
      assets: { middleware: (_q, _s, next) => next() },
      isShuttingDown: () => false,
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const address = server.address();
      const response = await fetch(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/projects`);
      expect(response.status).toBe(500);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const log = lines.join("");
    expect(log).toContain("Unhandled error on GET /projects");
    expect(log).toContain("PostgresError 22021");
    expect(log).not.toContain(hash);
    expect(log).not.toContain("$argon2id$");
  });

  it("an invite or reset link's token never reaches a log line, on a refused form or a failed page", async () => {
    const lines: string[] = [];
    const env = loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the logging tests, long enough", LOUPE_DATA_DIR: dataDir });
    const app = createApp({
      env,
      edge,
      log: createLogger("info", (_level, line) => lines.push(line)),
      build: () => Promise.reject(new Error("the page failed")),
      assets: { middleware: (_q, _s, next) => next() },
      isShuttingDown: () => false,
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const token = `tok${randomUUID().replace(/-/g, "")}`;
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      expect((await fetch(`${base}/invite/${token}`)).status).toBe(500);
      expect((await fetch(`${base}/reset-password/${token}`)).status).toBe(500);
      // A form post without its form token: refused at the edge, and logged.
      expect((await fetch(`${base}/invite/${token}`, { method: "POST", body: new URLSearchParams({ name: "x" }) })).status).toBe(403);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const log = lines.join("");
    expect(log).toContain("Unhandled error on GET /invite/(token)");
    expect(log).toContain("Unhandled error on GET /reset-password/(token)");
    expect(log).toContain("CSRF check refused POST /invite/(token)");
    expect(log).not.toContain(token);
  });

  it("Remix's handler for loader and action errors logs no parameters", async () => {
    const { error, hash } = await failedInsertWithHash();
    const request = new Request("http://loupe.test/admin/users", { method: "POST" });
    const log = await stderrOf(() => handleError(error, { request, params: {}, context: {} } as unknown as ActionFunctionArgs));
    expect(log).toContain("Unhandled error on POST /admin/users");
    expect(log).toContain("PostgresError 22021");
    expect(log).not.toContain(hash);
  });

  it("the API's handler for unexpected errors answers 500 and logs no parameters", async () => {
    const { error, hash } = await failedInsertWithHash();
    const endpoint = {
      method: "post",
      path: "/api/v1/test",
      summary: "fails",
      tags: [],
      public: true,
      responses: {},
      handler: () => Promise.reject(error),
    } as unknown as Endpoint;
    let status = 0;
    const log = await stderrOf(async () => {
      status = (await runEndpoint(endpoint, new Request("http://loupe.test/api/v1/test", { method: "POST" }), {})).status;
    });
    expect(status).toBe(500);
    expect(log).toContain("Unhandled error on POST /api/v1/test");
    expect(log).not.toContain(hash);
  });
});
