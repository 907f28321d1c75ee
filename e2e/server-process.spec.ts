import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { createDatabase, databaseUrl, dropDatabases, uniqueName } from "../scripts/lib/pg-admin.mjs";
import journal from "../db/migrations/meta/_journal.json" with { type: "json" };
import { cuttableRelay, freePort, spawnLoupe, untilHealthy, type LoupeProcess } from "./support/loupe-process";

// These stories start their own Loupe processes next to the one Playwright runs.
test.describe.configure({ mode: "serial" });

const e2eUrl = process.env.E2E_DATABASE_URL;
const adminUrl = () => databaseUrl(e2eUrl!, "postgres");
const SECRET = "e2e-shared-secret-0123456789abcdef0123456789";
const running: LoupeProcess[] = [];
const databases: string[] = [];

test.beforeAll(() => {
  if (!e2eUrl) throw new Error("E2E_DATABASE_URL is not set: run these through `npm test` (scripts/test.mjs).");
});

test.afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  if (databases.length) await dropDatabases(adminUrl(), databases);
});

async function freshDatabase(): Promise<string> {
  const name = uniqueName("loupe_e2e_proc");
  await createDatabase(adminUrl(), name);
  databases.push(name);
  return databaseUrl(adminUrl(), name);
}

async function start(env: Record<string, string>) {
  const loupe = spawnLoupe(env, await freePort());
  running.push(loupe);
  return loupe;
}

/** Signs in over plain HTTP the way a browser does: page, anonymous cookie, form token, Origin. */
async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${baseUrl}/login`);
  const anon = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(token).toBeTruthy();
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl, cookie: anon },
    body: new URLSearchParams({ _csrf: token!, email, password }),
  });
  expect(response.status).toBe(302);
  const session = response.headers.getSetCookie().find((c) => c.startsWith("loupe_session="));
  expect(session).toMatch(/HttpOnly/i);
  expect(session).toMatch(/SameSite=Lax/i);
  return session!.split(";")[0]!;
}

test("two copies of Loupe started together on an empty database migrate once and share sessions", async () => {
  const url = await freshDatabase();
  const env = {
    DATABASE_URL: url,
    SESSION_SECRET: SECRET,
    LOUPE_ADMIN_EMAIL: "ops@example.com",
    LOUPE_ADMIN_PASSWORD: "two servers one database",
  };
  const [a, b] = await Promise.all([start(env), start(env)]);
  await Promise.all([untilHealthy(a!), untilHealthy(b!)]);

  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [migrations] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(migrations!.n).toBe(journal.entries.length);
    const users = await sql`select email, is_admin from users`;
    expect(users).toEqual([{ email: "ops@example.com", is_admin: true }]);
  } finally {
    await sql.end();
  }

  // A session made on one copy works on the other, and logging out on either ends it on both.
  const cookie = await signIn(a!.url, "ops@example.com", "two servers one database");
  const onB = await fetch(`${b!.url}/projects`, { headers: { cookie }, redirect: "manual" });
  expect(onB.status).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(await onB.text())?.[1];
  const logout = await fetch(`${b!.url}/logout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: b!.url, cookie },
    body: new URLSearchParams({ _csrf: token! }),
  });
  expect(logout.status).toBe(302);
  const afterLogout = await fetch(`${a!.url}/projects`, { headers: { cookie }, redirect: "manual" });
  expect(afterLogout.status).toBe(302);
  expect(afterLogout.headers.get("location")).toBe("/login?redirectTo=%2Fprojects");
});

test("when the database goes away, /healthz says 503, pages apologise, and both recover when it returns", async () => {
  const target = new URL(await freshDatabase());
  const relay = await cuttableRelay({ host: target.hostname, port: Number(target.port || 5432) });
  const through = new URL(target);
  through.port = String(relay.port);
  const loupe = await start({
    DATABASE_URL: through.toString(),
    SESSION_SECRET: SECRET,
    LOUPE_ADMIN_EMAIL: "outage@example.com",
    LOUPE_ADMIN_PASSWORD: "through the outage",
  });
  try {
    await untilHealthy(loupe);
    const cookie = await signIn(loupe.url, "outage@example.com", "through the outage");
    relay.cut();
    await expect.poll(async () => (await fetch(`${loupe.url}/healthz`)).status).toBe(503);
    const page = await fetch(`${loupe.url}/login`);
    expect(page.status).toBeGreaterThanOrEqual(500);
    expect(await page.text()).toContain("Loupe could not finish this request. Try again in a moment.");
    const signedIn = await fetch(`${loupe.url}/projects`, { headers: { cookie } });
    expect(signedIn.status).toBe(503);
    expect(await signedIn.text()).toContain("Loupe cannot reach its database right now");
    expect(loupe.child.exitCode).toBeNull();

    relay.restore();
    await expect.poll(async () => (await fetch(`${loupe.url}/healthz`)).status, { timeout: 15_000 }).toBe(200);
    expect((await fetch(`${loupe.url}/projects`, { headers: { cookie } })).status).toBe(200);
  } finally {
    await relay.close();
  }
});

test("a second Loupe on the same data directory refuses clearly, and the first shuts down cleanly", async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-e2e-data-"));
  const first = await start({ LOUPE_DATA_DIR: dataDir });
  await untilHealthy(first, 90_000);
  // The setup link is printed just after the server starts listening.
  await expect.poll(() => first.output()).toContain("/setup?token=");

  const second = await start({ LOUPE_DATA_DIR: dataDir });
  expect(await second.exited).toBe(1);
  expect(second.output()).toContain("Loupe is already running from");
  expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

  expect(await first.stop("SIGTERM")).toBe(0);
  expect(first.output()).toContain("Stopped.");
  // PostgreSQL removes its pid file only after a clean shutdown.
  expect(fs.existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("in production Loupe refuses to start without a proper SESSION_SECRET and says what to set", async () => {
  const url = await freshDatabase();
  const missing = await start({ NODE_ENV: "production", DATABASE_URL: url });
  expect(await missing.exited).toBe(1);
  expect(missing.output()).toContain("NODE_ENV=production needs SESSION_SECRET");

  const short = await start({ NODE_ENV: "production", DATABASE_URL: url, SESSION_SECRET: "tooshort" });
  expect(await short.exited).toBe(1);
  expect(short.output()).toContain("SESSION_SECRET is too short");
});

test("on SIGTERM Loupe stops accepting, finishes the request in flight, then exits 0", async () => {
  const loupe = await start({ DATABASE_URL: await freshDatabase(), SESSION_SECRET: SECRET });
  await untilHealthy(loupe);
  const port = Number(new URL(loupe.url).port);

  // Start a request whose body is still arriving when the signal comes.
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  let reply = "";
  socket.on("data", (chunk) => (reply += chunk.toString()));
  const body = "email=slow%40example.com&password=x";
  socket.write(
    `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  loupe.child.kill("SIGTERM");
  await expect
    .poll(async () => fetch(`${loupe.url}/healthz`).then(() => "accepting", () => "refusing"))
    .toBe("refusing");

  socket.write(body.slice(10));
  await expect.poll(() => reply).toMatch(/^HTTP\/1\.1 403/);
  expect(await loupe.exited).toBe(0);
  socket.destroy();
});
