/**
 * npm run bench:feedback [-- --rows 1000000 --rate 200 --seconds 30 --seed 42 --keep]
 *
 * Batch: generates `rows` feedback records (seeded: scores, comments from a word list, user ids,
 * segments, models, timestamps, client ids) as NDJSON, and the same rows in COPY's text format.
 * Times a raw `COPY` of them into the feedback table (all its indexes: full text, trigram, the
 * client-id key) as the baseline, empties the table, then ingests the NDJSON through
 * ingestStream — what POST /api/v1/feedback hands an NDJSON body to. Reports rows/s and the ratio.
 * Single records: an HTTP server in this process answers with the feedback route's own handler
 * (the Express edge's middleware left out), and a client sends one record per request open-loop
 * at `rate` requests a second for `seconds` (latency counted from when each request was due, so a
 * slow answer cannot hide the ones queued behind it); p50/p95/p99. Results go to
 * bench/results/feedback-*.{json,md}. Database: as bench:import.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { feedbackRoute } from "~/api/endpoints/feedback-ingest.server";
import { connect, connectDatabase } from "~/db.server";
import { ingestStream } from "~/modules/feedback/ingest.server";
import { listInbox } from "~/modules/research/inbox.server";
import { loadEnv } from "~/utils/env.server";
import { createIngestKey } from "~/modules/feedback/ingest-keys.server";
import { createProject } from "~/modules/projects/create-project.server";
import { createUser } from "~/modules/users/create-user.server";
import { seededRandom } from "~test/support/generate/random";
import { sendResponse } from "../server/remix-bridge";
import { backendCpuDelta, backendCpuMs, processCpuMs } from "./lib/cpu";
import { openBenchDatabase } from "./lib/database";
import { machineInfo, markdownTable, writeResults } from "./lib/results";
import { round, summarize, type Summary } from "./lib/stats";

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "30" },
    seed: { type: "string", default: "42" },
    keep: { type: "boolean", default: false },
  },
});
const options = { rows: Number(flags.rows), rate: Number(flags.rate), seconds: Number(flags.seconds), seed: Number(flags.seed), keep: flags.keep ?? false };
if (!Number.isInteger(options.rows) || options.rows < 1) throw new Error("--rows must be a positive whole number");
const log = (line: string) => console.log(line);
// why: the inbox names end users by an HMAC pseudonym keyed by the session secret; any fixed one does here.
loadEnv({ ...process.env, SESSION_SECRET: process.env.SESSION_SECRET ?? "bench secret for end-user pseudonyms, 32+ characters long" });
const COLUMNS = "project_id, source, ingest_key_id, client_id, score_kind, score, comment, user_id, segment, model, prompt_version, metadata, occurred_at";
const TARGETS = { batchRatio: 0.5, singleP95Ms: 20, searchP95Ms: 300 };

/**
 * Searches a researcher types: common and rare words, two-word queries, phrases, a negation and
 * typos (the trigram tier). Each is asked as the inbox asks it: the first page with its bounded
 * count, then the page after it.
 */
const SEARCHES = ["helpful", "pricing", "refund account", '"too long"', "hallucinated source", "login -error", "halucinated", "refnd", "translaton tone", "broken link table"];

async function inboxSearch(db: Parameters<typeof listInbox>[0], actor: Parameters<typeof listInbox>[1], projectId: string) {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of SEARCHES) {
      let t = performance.now();
      const first = await listInbox(db, actor, projectId, { q });
      times.push(performance.now() - t);
      if (first.next) {
        t = performance.now();
        await listInbox(db, actor, projectId, { q }, first.next);
        times.push(performance.now() - t);
      }
    }
  }
  return { queries: times.length, terms: SEARCHES, latency: summarize(times) };
}

type Run = { seconds: number; rowsPerSecond: number; cpuMsPer1000Rows: { node: number; postgres: number | null } };

async function main() {
  const started = performance.now();
  const database = await openBenchDatabase(log);
  connectDatabase(database.url);
  const app = connect(database.url, { max: 10 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-bench-feedback-"));
  const files = { ndjson: path.join(dir, "feedback.ndjson"), copy: path.join(dir, "feedback.copy") };
  try {
    const [{ version }] = (await app.sql`select current_setting('server_version') as version`) as unknown as [{ version: string }];
    log(`Feedback benchmark on ${database.where}, PostgreSQL ${version}`);
    const tag = randomUUID().slice(0, 8);
    const user = await createUser(app.db, null, { email: `bench-feedback-${tag}@example.com`, name: "Bench", password: `bench password ${tag}`, isAdmin: false });
    const actor = { userId: user.id, isAdmin: false, via: "cli" as const };
    const project = await createProject(app.db, actor, { name: `Feedback bench ${tag}` });
    const key = await createIngestKey(app.db, actor, project.id, { name: "bench", ratePerMinute: 1_000_000 });

    const t = performance.now();
    const bytes = await writeFiles(project.id, key.id, files);
    log(`  ${options.rows.toLocaleString("en")} records, ${(bytes / 2 ** 20).toFixed(1)} MB of NDJSON, in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    log("Baseline: COPY of the same rows into the feedback table (all its indexes)");
    const baseline = await timed(app.sql, async () => {
      const writable = await app.sql.unsafe(`copy feedback (${COLUMNS}) from stdin`).writable();
      await pipeline(fs.createReadStream(files.copy, { highWaterMark: 256 * 1024 }), writable);
    });
    report("COPY", baseline);
    await app.sql`truncate feedback cascade`;

    log("Ingest: ingestStream, what POST /api/v1/feedback hands an NDJSON body to");
    const target = { projectId: project.id, keyId: key.id, redactPii: false, queueSampleRate: 0 };
    let accepted = 0;
    const ingest = await timed(app.sql, async () => {
      const result = await ingestStream(app.db, target, fs.createReadStream(files.ndjson, { highWaterMark: 256 * 1024 }));
      if (result.accepted !== options.rows || result.rejected) throw new Error(`Ingest accepted ${result.accepted} and rejected ${result.rejected} of ${options.rows} records.`);
      accepted = result.accepted;
    });
    report("ingest", ingest);

    log(`Single records over HTTP: ${options.rate} requests/s, open loop, for ${options.seconds} s`);
    const single = await singleRecords(key.key);
    log(`  ${single.sent} sent, ${single.failed} failed; p50 ${single.latency.p50} ms, p95 ${single.latency.p95} ms, p99 ${single.latency.p99} ms; Node CPU ${single.nodeCpuMsPerRequest} ms a request`);

    log("Inbox search over the stored comments: listInbox (first page, its bounded count, then the next page), as the inbox page asks it");
    // why: the steady state — autovacuum analyzes a table a million rows were just added to within a
    // minute; searching before that measures the planner's guesses about an empty table.
    await app.sql`analyze feedback`;
    const search = await inboxSearch(app.db, actor, project.id);
    log(`  ${search.queries} searches; p50 ${search.latency.p50} ms, p95 ${search.latency.p95} ms, p99 ${search.latency.p99} ms`);

    const [check] = await app.sql<{ n: number }[]>`select count(*)::int as n from feedback where project_id = ${project.id}`;
    const ratio = round(ingest.rowsPerSecond / baseline.rowsPerSecond);
    const results = {
      benchmark: "feedback",
      date: new Date().toISOString(),
      command: ["npm run bench:feedback", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
      machine: machineInfo(),
      database: { where: database.where.replace(/, database .*$/, ""), postgres: version },
      setup: { ...options, ndjsonBytes: bytes, averageRecordBytes: Math.round(bytes / options.rows) },
      batch: { baseline, ingest, ratio, met: ratio >= TARGETS.batchRatio },
      single: { ...single, met: single.failed === 0 && single.latency.p95 < TARGETS.singleP95Ms },
      search: { ...search, met: search.latency.p95 < TARGETS.searchP95Ms },
      targets: TARGETS,
      checks: { accepted, stored: check!.n, ok: accepted === options.rows && check!.n === options.rows + single.sent - single.failed },
      totalSeconds: round((performance.now() - started) / 1000),
    };
    const markdown = toMarkdown(results);
    const written = writeResults("feedback", results, markdown);
    log(`\n${markdown}\nWrote ${written.join(", ")}.`);
    if (!results.checks.ok) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await app.sql.end({ timeout: 5 });
    const { closeDb } = await import("~/db.server");
    await closeDb();
    await database.close({ keep: options.keep });
  }
}

const WORDS = ("the answer was helpful but too long and it missed the point about pricing suggestions were wrong useful clear slow " +
  "confusing great love hate title summary code example refund account login error translation tone formal casual short detail " +
  "again please more less better worse fast accurate hallucinated source link broken format table list").split(" ");
const SEGMENTS = ["free", "pro", "team", "enterprise"];
const MODELS = ["gpt-4o-mini", "llama-3.1-8b", "mistral-small"];

/** The records as NDJSON and as COPY text (same values); returns the NDJSON's size. */
async function writeFiles(projectId: string, keyId: string, files: { ndjson: string; copy: string }): Promise<number> {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const now = Date.now();
  const ndjson = fs.createWriteStream(files.ndjson);
  const copy = fs.createWriteStream(files.copy);
  let bytes = 0;
  const write = (stream: fs.WriteStream, text: string) => (stream.write(text) ? Promise.resolve() : new Promise<void>((resolve) => stream.once("drain", () => resolve())));
  for (let i = 0; i < options.rows; i++) {
    const thumbs = random() < 0.5;
    const score = thumbs ? (random() < 0.6 ? 1 : 0) : 1 + Math.floor(random() * 5);
    const comment = random() < 0.7 ? Array.from({ length: 5 + Math.floor(random() * 35) }, () => pick(WORDS)).join(" ") : "";
    const segment = pick(SEGMENTS);
    const model = pick(MODELS);
    const promptVersion = `v${1 + Math.floor(random() * 5)}`;
    const userId = `u-${Math.floor(random() * 50_000)}`;
    const at = new Date(now - Math.floor(random() * 90 * 86_400_000)).toISOString();
    const metadata = { plan: segment, locale: "en-GB" };
    const record = { id: `b-${i}`, ...(thumbs ? { thumbs: score ? "up" : "down" } : { rating: score }), ...(comment ? { comment } : {}), userId, segment, model, promptVersion, metadata, timestamp: at };
    const line = `${JSON.stringify(record)}\n`;
    bytes += Buffer.byteLength(line);
    await write(ndjson, line);
    await write(copy, [projectId, "end_user", keyId, `b-${i}`, thumbs ? "thumbs" : "stars", score, comment, userId, segment, model, promptVersion, JSON.stringify(metadata), at].join("\t") + "\n");
  }
  await Promise.all([new Promise((r) => ndjson.end(r)), new Promise((r) => copy.end(r))]);
  return bytes;
}

async function timed(sql: postgres.Sql, run: () => Promise<void>): Promise<Run> {
  await sql`checkpoint`.catch(() => log("  (no checkpoint before the run)"));
  const cpu = processCpuMs();
  const pg = await backendCpuMs(sql);
  const t = performance.now();
  await run();
  const seconds = (performance.now() - t) / 1000;
  const pgMs = backendCpuDelta(pg, await backendCpuMs(sql));
  return {
    seconds: round(seconds),
    rowsPerSecond: Math.round(options.rows / seconds),
    cpuMsPer1000Rows: { node: round(((processCpuMs() - cpu) / options.rows) * 1000), postgres: pgMs === null ? null : round((pgMs / options.rows) * 1000) },
  };
}

function report(name: string, run: Run) {
  log(`  ${name}: ${run.rowsPerSecond.toLocaleString("en")} rows/s in ${run.seconds} s; CPU ms per 1,000 rows: Node ${run.cpuMsPer1000Rows.node}, PostgreSQL ${run.cpuMsPer1000Rows.postgres ?? "n/a"}`);
}

/**
 * The feedback route behind a plain HTTP server (as server/app.ts hands requests to Remix), and
 * an open-loop client: one request due every 1000/rate ms whatever the answers do. Each request
 * comes from its own client address (a header this server reads), as real traffic does, so the
 * per-address limit does not refuse the run.
 */
async function singleRecords(key: string): Promise<{ sent: number; failed: number; statuses: Record<string, number>; latency: Summary; nodeCpuMsPerRequest: number }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      const context = { clientIp: String(req.headers["x-bench-client"]), signal: new AbortController().signal };
      feedbackRoute({ request, params: {}, context })
        .then((response) => sendResponse(res, response))
        .catch((error: unknown) => res.destroy(error as Error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const random = seededRandom(options.seed + 1);
  const send = (i: number) =>
    new Promise<number>((resolve, reject) => {
      // why: comments like the batch's, so the newest comments (these) are as searchable as the rest.
      const comment = Array.from({ length: 5 + Math.floor(random() * 35) }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(" ");
      const body = JSON.stringify({ id: `http-${i}`, thumbs: random() < 0.5 ? "up" : "down", comment, userId: `u-${i % 997}`, segment: "pro" });
      const req = http.request(
        { port, host: "127.0.0.1", method: "POST", path: "/api/v1/feedback", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-bench-client": `10.0.${(i >> 8) & 255}.${i & 255}` } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const interval = 1000 / options.rate;
  const warmup = Math.round(options.rate * 2);
  const total = warmup + Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const cpu = processCpuMs();
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      send(i).then(
        (status) => {
          if (i >= warmup) latencies.push(performance.now() - due);
          statuses[status] = (statuses[status] ?? 0) + 1;
        },
        () => {
          statuses.error = (statuses.error ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const failed = total - (statuses["201"] ?? 0);
  return { sent: total, failed, statuses, latency: summarize(latencies), nodeCpuMsPerRequest: round((processCpuMs() - cpu) / total) };
}

function toMarkdown(r: {
  date: string;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  database: { where: string; postgres: string };
  setup: { rows: number; rate: number; seconds: number; averageRecordBytes: number };
  batch: { baseline: Run; ingest: Run; ratio: number; met: boolean };
  single: { sent: number; failed: number; latency: Summary; nodeCpuMsPerRequest: number; met: boolean };
  search: { queries: number; terms: string[]; latency: Summary; met: boolean };
  checks: { ok: boolean; stored: number };
}): string {
  const m = r.machine;
  return [
    "# Feedback ingest benchmark",
    "",
    `${r.date} · \`${r.command}\` · commit ${m.commit ?? "?"} · ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} · PostgreSQL ${r.database.postgres} (${r.database.where})`,
    "",
    `## Batch: ${r.setup.rows.toLocaleString("en")} records (${r.setup.averageRecordBytes} bytes each on average)`,
    "",
    markdownTable(
      ["run", "seconds", "records/s", "Node CPU ms / 1,000", "PostgreSQL CPU ms / 1,000"],
      [
        ["raw COPY into feedback (baseline)", r.batch.baseline.seconds, r.batch.baseline.rowsPerSecond.toLocaleString("en"), r.batch.baseline.cpuMsPer1000Rows.node, r.batch.baseline.cpuMsPer1000Rows.postgres ?? "n/a"],
        ["ingestStream (NDJSON, checked, idempotent)", r.batch.ingest.seconds, r.batch.ingest.rowsPerSecond.toLocaleString("en"), r.batch.ingest.cpuMsPer1000Rows.node, r.batch.ingest.cpuMsPer1000Rows.postgres ?? "n/a"],
      ],
    ),
    "",
    `Ratio ${r.batch.ratio}× the raw COPY; target ≥ ${TARGETS.batchRatio}× — ${r.batch.met ? "met" : "missed"}.`,
    "",
    `## Single records over HTTP: ${r.setup.rate} requests/s, open loop, ${r.setup.seconds} s`,
    "",
    markdownTable(
      ["requests", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", "Node CPU ms / request (server + client)"],
      [[r.single.sent, r.single.failed, r.single.latency.p50, r.single.latency.p95, r.single.latency.p99, r.single.latency.max, r.single.nodeCpuMsPerRequest]],
    ),
    "",
    `p95 target < ${TARGETS.singleP95Ms} ms — ${r.single.met ? "met" : "missed"}. The route's handler behind a plain Node HTTP server in the benchmark's process (Express's middleware left out); the client runs in the same process.`,
    "",
    `## Inbox search over ${r.checks.stored.toLocaleString("en")} comments`,
    "",
    markdownTable(["searches", "p50 ms", "p95 ms", "p99 ms", "max ms"], [[r.search.queries, r.search.latency.p50, r.search.latency.p95, r.search.latency.p99, r.search.latency.max]]),
    "",
    `Terms: ${r.search.terms.map((t) => `\`${t}\``).join(", ")} (three rounds; the first page with its bounded count, then the next page). p95 target < ${TARGETS.searchP95Ms} ms — ${r.search.met ? "met" : "missed"}.`,
    "",
    `Checks: ${r.checks.stored.toLocaleString("en")} records stored — ${r.checks.ok ? "ok" : "FAILED"}.`,
  ].join("\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
