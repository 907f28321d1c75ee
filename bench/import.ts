/**
 * npm run bench:import [-- --rows 1000000 --seed 42 --external-ids --keep]
 *
 * Generates `rows` realistic items (seeded; sampled and cut from ../shared/data/alpaca_eval when
 * present) as a JSONL file, imports it through importItems — the verb the API hands its NDJSON
 * stream to — and, in the same run, times a raw `COPY` of the same rows into a bare table (same
 * columns, no index or constraint) as the baseline; then a `COPY` into a copy of `items` with all
 * its indexes and its foreign key, to show what the schema itself costs. Reports rows/s, the ratio to the baseline and the
 * importer's peak RSS to bench/results/import-*.{json,md}. Database: as bench:queue (DATABASE_URL,
 * else a throwaway database on TEST_DATABASE_URL's server, else the embedded one in .data/bench).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { connect } from "~/db.server";
import { importItems } from "~/modules/imports/import-items.server";
import { createProject } from "~/modules/projects/create-project.server";
import { createUser } from "~/modules/users/create-user.server";
import { loadCorpus } from "~test/support/generate/corpus";
import { backendCpuDelta, backendCpuMs, processCpuMs } from "./lib/cpu";
import { openBenchDatabase } from "./lib/database";
import { toMarkdown, type Run } from "./lib/import-report";
import { writeRowFiles } from "~test/support/generate/import-rows";
import { machineInfo, writeResults } from "./lib/results";
import { round } from "./lib/stats";

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    seed: { type: "string", default: "42" },
    "external-ids": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const options = { rows: Number(flags.rows), seed: Number(flags.seed), externalIds: flags["external-ids"] ?? false, keep: flags.keep ?? false };
if (!Number.isInteger(options.rows) || options.rows < 1) throw new Error("--rows must be a positive whole number");
const log = (line: string) => console.log(line);
const COLUMNS = "external_id, input_key, outputs_key, input, outputs, metadata";

async function main() {
  const started = performance.now();
  const database = await openBenchDatabase(log);
  const app = connect(database.url, { max: 4 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-bench-import-"));
  const files = { jsonl: path.join(dir, "rows.jsonl"), copy: path.join(dir, "rows.copy") };
  try {
    const [{ version }] = (await app.sql`select current_setting('server_version') as version`) as unknown as [{ version: string }];
    log(`Import benchmark on ${database.where}, PostgreSQL ${version}`);
    const tag = randomUUID().slice(0, 8);
    const user = await createUser(app.db, null, { email: `bench-import-${tag}@example.com`, name: "Bench importer", password: `bench password ${tag}`, isAdmin: false });
    const actor = { userId: user.id, isAdmin: false, via: "cli" as const };
    const project = await createProject(app.db, actor, { name: `Import bench ${tag}` });
    const corpus = loadCorpus({ seed: options.seed, size: 1610, log });
    const t = performance.now();
    const generated = await writeRowFiles({
      corpus,
      projectId: project.id,
      rows: options.rows,
      seed: options.seed,
      ...files,
      externalIds: options.externalIds,
      onProgress: (n) => process.stdout.write(`\r  generating rows: ${n.toLocaleString("en")} / ${options.rows.toLocaleString("en")}`),
    });
    log(`\n  ${options.rows.toLocaleString("en")} rows, ${(generated.jsonlBytes / 1048576).toFixed(1)} MB of JSONL, in ${((performance.now() - t) / 1000).toFixed(1)} s (${corpus.source})`);


    log("Baseline: COPY into a bare table (same columns, no index or constraint)");
    await app.sql.unsafe(`create table bench_bare_items (
      id bigint generated always as identity, project_id uuid not null default '${project.id}', external_id text, input_key uuid not null, outputs_key uuid not null,
      input jsonb not null, outputs jsonb not null, reference text, metadata jsonb not null, source text not null default 'bench',
      priority int not null default 0, random_key int, status text not null default 'open',
      submitted_count int not null default 0, gold jsonb, created_at timestamptz not null default now())`);
    const baseline = await timeCopy(app.sql, "bench_bare_items", files.copy, options.rows);
    report("baseline", baseline);

    log("Importer: importItems, the verb behind POST /api/v1/projects/:id/items");
    const importer = await timeImport(app, project.id, actor, files.jsonl);
    report("importer", importer);

    // why: the least any importer into Loupe's schema can cost: no parsing, just the constraints.
    log("For comparison: COPY into a copy of items with all its indexes and its foreign key");
    await app.sql.unsafe(`create table bench_indexed_items (like items including all)`);
    await app.sql.unsafe(`alter table bench_indexed_items alter column project_id set default '${project.id}'`);
    await app.sql.unsafe(`alter table bench_indexed_items add foreign key (project_id) references projects (id) on delete cascade`);
    const indexed = await timeCopy(app.sql, "bench_indexed_items", files.copy, options.rows);
    report("indexed COPY", indexed);

    const [check] = await app.sql<{ items: number; hashes: number }[]>`select count(*)::int as items, count(distinct (input_key, outputs_key))::int as hashes from items where project_id = ${project.id}`;
    const results = {
      benchmark: "import",
      date: new Date().toISOString(),
      command: ["npm run bench:import", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
      machine: machineInfo(),
      database: { where: database.where.replace(/, database .*$/, ""), postgres: version },
      setup: { ...options, corpus: corpus.source, jsonlBytes: generated.jsonlBytes, averageRowBytes: Math.round(generated.jsonlBytes / options.rows) },
      baseline,
      importer,
      indexed,
      ratio: round(importer.rowsPerSecond / baseline.rowsPerSecond),
      ratioToIndexed: round(importer.rowsPerSecond / indexed.rowsPerSecond),
      targets: { ratio: 0.5, peakRssMiB: 300 },
      checks: { itemsStored: check!.items, distinctHashes: check!.hashes, ok: check!.items === options.rows && check!.hashes === options.rows },
      totalSeconds: round((performance.now() - started) / 1000),
    };
    const markdown = toMarkdown(results);
    const written = writeResults("import", results, markdown);
    log(`\n${markdown}\nWrote ${written.join(", ")}.`);
    if (!results.checks.ok) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await app.sql.unsafe("drop table if exists bench_bare_items, bench_indexed_items").catch(() => {});
    await app.sql.end({ timeout: 5 });
    await database.close({ keep: options.keep });
  }
}

/** `COPY table FROM STDIN` of the prepared file, streamed; the least work a bulk load can do. */
/**
 * Every run starts from a checkpoint, so none pays for the WAL an earlier one left behind (1M
 * rows write more WAL than max_wal_size's default, and a checkpoint in the middle of a run makes
 * it write every page it touches again in full). Needs a superuser or pg_checkpoint.
 */
async function checkpoint(sql: postgres.Sql) {
  await sql`checkpoint`.catch((error: unknown) => log(`  (no checkpoint before the run: ${error instanceof Error ? error.message : String(error)})`));
}

async function timeCopy(sql: postgres.Sql, table: string, file: string, rows: number): Promise<Run> {
  await checkpoint(sql);
  const cpuBefore = processCpuMs();
  const pgBefore = await backendCpuMs(sql);
  const t = performance.now();
  const writable = await sql.unsafe(`copy ${table} (${COLUMNS}) from stdin`).writable();
  await pipeline(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), writable);
  const seconds = (performance.now() - t) / 1000;
  return figures(rows, seconds, processCpuMs() - cpuBefore, backendCpuDelta(pgBefore, await backendCpuMs(sql)), null);
}

async function timeImport(app: ReturnType<typeof connect>, projectId: string, actor: { userId: string; isAdmin: boolean; via: "cli" }, file: string): Promise<Run> {
  await checkpoint(app.sql);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpuBefore = processCpuMs();
  const pgBefore = await backendCpuMs(app.sql);
  const t = performance.now();
  try {
    const result = await importItems(app.db, actor, {
      projectId,
      input: { stream: fs.createReadStream(file, { highWaterMark: 256 * 1024 }) },
      origin: "api",
      onProgress: (p) => process.stdout.write(`\r  ${p.received.toLocaleString("en")} rows`),
    });
    process.stdout.write("\n");
    if (result.inserted !== options.rows || result.rejected) throw new Error(`The importer inserted ${result.inserted} and rejected ${result.rejected} of ${options.rows} rows.`);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  return figures(options.rows, seconds, processCpuMs() - cpuBefore, backendCpuDelta(pgBefore, await backendCpuMs(app.sql)), peak);
}

function figures(rows: number, seconds: number, nodeCpuMs: number, pgCpuMs: number | null, peakRss: number | null): Run {
  return {
    seconds: round(seconds),
    rowsPerSecond: Math.round(rows / seconds),
    cpuMsPer1000Rows: { node: round((nodeCpuMs / rows) * 1000), postgres: pgCpuMs === null ? null : round((pgCpuMs / rows) * 1000) },
    peakRssMiB: peakRss === null ? null : Math.round(peakRss / 1048576),
  };
}

function report(name: string, run: Run) {
  const pg = run.cpuMsPer1000Rows.postgres === null ? "n/a" : `${run.cpuMsPer1000Rows.postgres}`;
  log(`  ${name}: ${run.rowsPerSecond.toLocaleString("en")} rows/s in ${run.seconds} s; CPU ms per 1,000 rows: Node ${run.cpuMsPer1000Rows.node}, PostgreSQL ${pg}${run.peakRssMiB ? `; peak RSS ${run.peakRssMiB} MiB` : ""}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
