#!/usr/bin/env node
// `npm test`: typecheck, lint, unit/integration tests (Vitest) and end-to-end tests (Playwright),
// each run even when an earlier one failed, then one line `N passed, N failed[, N skipped]`.
//
//   npm test                    everything
//   npm test -- --only static   typecheck + lint      (also: unit, e2e; comma-separate several)
//   npm test -- --only unit,e2e -- app/x.test.ts e2e/y.spec.ts
//                               after `--`: files for Vitest (*.test.ts) and Playwright (*.spec.ts)
//
// Database: TEST_DATABASE_URL (any database on a server, as a user that may create databases),
// or else one embedded PostgreSQL in .data/test for the whole run. Vitest gets it as
// TEST_DATABASE_URL; the e2e stage makes a fresh loupe_e2e_* database on it and drops it after.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIsStale } from "./build-if-stale.mjs";
import { findBrowser, machineProbe } from "./lib/browser.mjs";
import { databaseName, dropDatabases, dropDatabasesOwnedBy } from "./lib/pg-admin.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

const STAGES = ["static", "unit", "e2e"];
/** Files named after `--`: a subset for Vitest (`.test.ts`) and Playwright (`.spec.ts`). */
const files = [];
const vitestFiles = () => files.filter((f) => !f.endsWith(".spec.ts"));
const playwrightFiles = () => files.filter((f) => f.endsWith(".spec.ts"));
const BUILD_OUTPUT = "build/server/index.js";
const VITEST_REPORT = "test-results/vitest.json";
const PLAYWRIGHT_REPORT = "test-results/playwright.json";

/** @typedef {{ name: string, passed: number, failed: number, skipped: number, note?: string, ms: number, ran: boolean }} Result */

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const only = new Set();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let value;
    if (arg === "--") {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--only") value = argv[++i];
    else if (arg.startsWith("--only=")) value = arg.slice("--only=".length);
    else if (arg === "-h" || arg === "--help") usage(0);
    else usage(2, `Unknown argument: ${arg}`);
    if (!value) usage(2, "--only needs a value");
    for (const v of value.split(",")) {
      if (!STAGES.includes(v)) usage(2, `Unknown stage for --only: ${v}`);
      only.add(v);
    }
  }
  return only.size ? only : new Set(STAGES);
}

function usage(code, message) {
  if (message) console.error(message);
  console.error(`usage: node scripts/test.mjs [--only ${STAGES.join("|")}[,…]] [-- files…]`);
  process.exit(code);
}

// ---------------------------------------------------------------- processes

const bin = (name) => path.join(root, "node_modules", ".bin", name);
/** Children to forward a SIGINT/SIGTERM to. */
const running = new Set();
let interrupted = false;

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal} received: stopping the current stage and cleaning up…`);
    for (const child of running) child.kill(signal);
  });
}

/**
 * Runs a command with inherited stdio (or captured stdout with `capture`).
 * @returns {Promise<{ code: number, stdout: string, pid?: number }>}
 */
function run(command, args, { env = {}, capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
      env: { ...process.env, ...env },
    });
    running.add(child);
    let stdout = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.on("error", (error) => {
      running.delete(child);
      console.error(`Could not run ${command}: ${error.message}`);
      resolve({ code: 127, stdout });
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1), stdout, pid: child.pid });
    });
  });
}

function header(title) {
  console.log(`\n━━━ ${title} ${"━".repeat(Math.max(3, 60 - title.length))}`);
}

// ---------------------------------------------------------------- database server

/**
 * The admin URL of the server the tests use. Starts scripts/test-db-server.ts when
 * TEST_DATABASE_URL is unset; `stop()` stops it again.
 * @returns {{ url: Promise<string>, stop: () => Promise<void> }}
 */
function databaseServer() {
  if (process.env.TEST_DATABASE_URL) {
    return { url: Promise.resolve(process.env.TEST_DATABASE_URL), stop: async () => {} };
  }
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/test-db-server.ts", ".data/test"], {
    stdio: ["pipe", "pipe", "pipe"],
    // why: its own process group, so a Ctrl+C reaches this script first and the server is
    // stopped after the stage using it has ended.
    detached: true,
  });
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.on("close", resolve));
  const url = new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no answer within 180 s\n${log}`)), 180_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line).url);
      } catch (error) {
        reject(error);
      }
    });
    child.on("error", (error) => reject(error));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`it exited (${code}) before it was ready:\n${log.trim()}`));
    });
  });
  url.catch(() => {}); // handled where awaited
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) console.error(`The embedded test database did not stop cleanly (exit ${code}):\n${log.trim()}`);
    },
  };
}

// ---------------------------------------------------------------- stages

async function typecheck() {
  header("typecheck: tsc --noEmit");
  const { code } = await run(bin("tsc"), ["--noEmit"]);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

async function lint() {
  header("lint: eslint .");
  const { code } = await run(bin("eslint"), ["."]);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

async function vitest(db) {
  header("unit: vitest run");
  let adminUrl;
  try {
    adminUrl = await db.url;
  } catch (error) {
    console.error(`Could not start the embedded test database: ${error.message}`);
    return { passed: 0, failed: 1, note: "no test database" };
  }
  fs.rmSync(VITEST_REPORT, { force: true });
  const { code, pid } = await run(
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${VITEST_REPORT}`, ...vitestFiles()],
    { env: { TEST_DATABASE_URL: adminUrl } },
  );
  // why: an interrupted vitest skips its global teardown; its databases carry its pid.
  if (pid) await dropDatabasesOwnedBy(adminUrl, pid).catch(() => {});
  const report = readJson(VITEST_REPORT);
  if (!report) return { passed: 0, failed: 1, note: `vitest exited ${code} without a report` };
  const counts = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
  // why: a file that fails outside any test (an import error, a failing hook) has no failed
  // test to count; count the file itself.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
  );
  if (brokenFiles.length) {
    counts.failed += brokenFiles.length;
    counts.note = `${brokenFiles.length} file(s) failed outside a test`;
  }
  if (code !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.note = report.numTotalTests === 0 ? "no tests found" : `vitest exited ${code}`;
  }
  return counts;
}

async function e2e(db) {
  header("e2e: playwright test");
  if (!hasSpecs()) {
    console.log("No e2e/**/*.spec.ts files: nothing to run.");
    return { passed: 0, failed: 0, ran: false, note: "no e2e specs" };
  }

  const browser = findBrowser(machineProbe(root));
  if ("error" in browser) {
    console.log(browser.error);
    return { passed: 0, failed: 1, note: "no browser" };
  }
  console.log(`Browser: ${browser.executable} (${browser.source})`);

  if (buildIsStale()) {
    console.log("The build is missing or older than its sources: remix vite:build");
    const { code } = await run(bin("remix"), ["vite:build"], { env: { NODE_ENV: "production" } });
    if (code !== 0) return { passed: 0, failed: 1, note: "the build failed" };
  } else {
    console.log(`Using the existing build (${BUILD_OUTPUT} is newer than its sources).`);
  }
  if (interrupted) return { passed: 0, failed: 1, note: "interrupted" };

  let adminUrl;
  try {
    adminUrl = await db.url;
  } catch (error) {
    console.error(`Could not start the embedded test database: ${error.message}`);
    return { passed: 0, failed: 1, note: "no test database" };
  }
  const created = await run(process.execPath, ["--import", "tsx", "scripts/e2e-db.ts", "create", adminUrl], {
    capture: true,
  });
  const e2eUrl = created.stdout.trim().split("\n").pop();
  if (created.code !== 0 || !e2eUrl) return { passed: 0, failed: 1, note: "could not create the e2e database" };
  console.log(`E2E database: ${databaseName(e2eUrl)}`);

  try {
    fs.rmSync(PLAYWRIGHT_REPORT, { force: true });
    const { code } = await run(bin("playwright"), ["test", ...playwrightFiles()], {
      env: { E2E_DATABASE_URL: e2eUrl, PLAYWRIGHT_CHROMIUM_EXECUTABLE: browser.executable },
    });
    const report = readJson(PLAYWRIGHT_REPORT);
    if (!report?.stats) return { passed: 0, failed: 1, note: `playwright exited ${code} without a report` };
    const s = report.stats;
    // why: `flaky` are tests that failed, then passed on a retry.
    const counts = { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
    if (s.flaky) counts.note = `${s.flaky} flaky (passed on retry)`;
    if (code !== 0 && counts.failed === 0) {
      counts.failed = 1;
      const first = report.errors?.[0]?.message?.split("\n")[0];
      counts.note = first ? `error: ${first.slice(0, 120)}` : `playwright exited ${code}`;
    }
    return counts;
  } finally {
    try {
      await dropDatabases(adminUrl, [databaseName(e2eUrl)]);
    } catch (error) {
      console.error(`Could not drop the e2e database ${databaseName(e2eUrl)}: ${error.message}`);
    }
  }
}

function hasSpecs(dir = "e2e") {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((e) =>
    e.isDirectory() ? hasSpecs(path.join(dir, e.name)) : e.isFile() && e.name.endsWith(".spec.ts"),
  );
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- main

async function stage(results, name, fn) {
  const started = Date.now();
  /** @type {Result} */
  let result;
  if (interrupted) {
    result = { name, passed: 0, failed: 0, skipped: 0, ran: false, note: "interrupted", ms: 0 };
  } else {
    try {
      const r = await fn();
      result = { name, skipped: 0, ran: true, ...r, ms: Date.now() - started };
    } catch (error) {
      console.error(error);
      result = { name, passed: 0, failed: 1, skipped: 0, ran: true, note: `crashed: ${error.message}`, ms: Date.now() - started };
    }
  }
  results.push(result);
}

function summarise(results) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  console.log("\n━━━ summary ━━━");
  for (const r of results) {
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    const status = !r.ran ? "skipped" : r.failed ? "FAILED" : "ok";
    const counts = r.ran ? countLine(r) : "";
    const time = r.ran ? `${(r.ms / 1000).toFixed(1)}s` : "";
    console.log(
      `  ${r.name.padEnd(11)}${status.padEnd(9)}${counts.padEnd(34)}${time.padStart(7)}${r.note ? `  (${r.note})` : ""}`,
    );
  }
  return total;
}

function countLine(c) {
  return `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`;
}

async function main() {
  const only = parseArgs(process.argv.slice(2));
  // why: files name a subset; a stage none of them is for has nothing to run.
  if (files.length && !vitestFiles().length) only.delete("unit");
  if (files.length && !playwrightFiles().length) only.delete("e2e");
  const needsDb = only.has("unit") || (only.has("e2e") && hasSpecs());
  // why: the embedded server starts while the static checks run.
  const db = needsDb ? databaseServer() : undefined;
  /** @type {Result[]} */
  const results = [];
  try {
    if (only.has("static")) {
      await stage(results, "typecheck", typecheck);
      await stage(results, "lint", lint);
    }
    if (only.has("unit")) await stage(results, "vitest", () => vitest(db));
    if (only.has("e2e")) await stage(results, "playwright", () => e2e(db));
  } finally {
    await db?.stop();
  }

  const total = summarise(results);
  const problems = [];
  if (total.passed + total.failed === 0) problems.push("no tests ran");
  if (interrupted) problems.push("interrupted");
  if (problems.length) console.log(`  (${problems.join("; ")})`);
  console.log(countLine(total));
  process.exit(total.failed > 0 || problems.length ? 1 : 0);
}

await main();
