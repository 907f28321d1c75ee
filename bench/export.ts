/**
 * npm run bench:export [-- --items 1000000 --seed 42 --keep]
 *
 * A `rate-and-correct` project of --items items, answered and resolved set-based (bench/lib/items.ts,
 * bench/lib/annotations.ts). Then:
 * - the snapshot, through the job path (requestDataset, then buildDataset: what the pg-boss worker
 *   runs), timed phase by phase, beside its baseline in the same run: an INSERT … SELECT of the
 *   same items' columns (input, outputs, external id) as one line per item into a table shaped like
 *   `dataset_lines`, run before and after the snapshot (their mean is the baseline);
 * - each of `annotations-jsonl` and `openai-chat` exported through exportDataset (what the download
 *   route and the CLI stream) into a counting sink, beside a raw `COPY (SELECT …) TO STDOUT` of the
 *   same rows (the snapshot's frozen lines of that format).
 * Writes rows/s, the ratios and peak RSS to bench/results/export-*.{json,md}. Database: as
 * bench:queue (bench/lib/database.ts).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { datasetFileResponse } from "~/api/dataset-file.server";
import { connect, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { buildDataset, type BuildProfile } from "~/modules/datasets/build-dataset.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { exportDataset } from "~/modules/datasets/export-dataset.server";
import type { ExportFormat } from "~/modules/datasets/schemas";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { createUser } from "~/modules/users/create-user.server";
import { annotateItems } from "~test/support/generate/annotations";
import { loadCorpus } from "~test/support/generate/corpus";
import { openBenchDatabase } from "./lib/database";
import { generateItems } from "~test/support/generate/items";
import { measureStream, type StreamRun } from "./lib/measure";
import { machineInfo, markdownTable, writeResults } from "./lib/results";
import { round } from "./lib/stats";
import { sendResponse } from "../server/remix-bridge";

const { values: flags } = parseArgs({ options: { items: { type: "string", default: "1000000" }, seed: { type: "string", default: "42" }, keep: { type: "boolean", default: false } } });
const options = { items: Number(flags.items), seed: Number(flags.seed), keep: flags.keep ?? false };
if (!Number.isInteger(options.items) || options.items <= 0) throw new Error("--items must be a positive whole number");

const TARGET_RATIO = 0.5;
const TARGET_SNAPSHOT_RATIO = 0.3;
const TARGET_RSS_MB = 300;
const log = (line: string) => console.log(line);
const progress = (what: string, total: number) => (done: number) => process.stdout.write(`\r  ${what}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`);

/** The rows an export reads (the snapshot's frozen lines of the format), read by a raw COPY. */
const baselineQuery = (datasetId: string, format: string) =>
  `copy (select line from dataset_lines where dataset_id = '${datasetId}' and format = '${format}' order by seq) to stdout`;

async function main() {
  const started = performance.now();
  const database = await openBenchDatabase(log);
  const app = connect(database.url, { max: 10 });
  let cleanup: (() => Promise<void>) | undefined;
  try {
    const [{ version }] = (await app.sql`select current_setting('server_version') as version`) as unknown as [{ version: string }];
    log(`Export benchmark on ${database.where}, PostgreSQL ${version}`);
    const tag = randomUUID().slice(0, 8);
    const person = async (role: string): Promise<Actor & { email: string }> => {
      const email = `bench-${role}-${tag}@example.com`;
      const user = await createUser(app.db, null, { email, name: `Bench ${role}`, password: `bench password ${tag}`, isAdmin: false, canCreateProjects: role === "manager" });
      return { userId: user.id, isAdmin: false, via: "session", email };
    };
    const manager = await person("manager");
    const reviewers = await Promise.all(Array.from({ length: 8 }, (_, i) => person(`reviewer${i}`)));
    const project = await createProject(app.db, manager, { name: `Export bench ${tag}` });
    cleanup = async () => {
      await app.sql`delete from projects where id = ${project.id}`;
      await app.sql`delete from users where id = any(${[manager, ...reviewers].map((r) => r.userId)}::uuid[])`;
    };
    const template = await saveTemplate(app.db, manager, project.id, templatePresets["rate-and-correct"].template);
    for (const r of reviewers) await addMember(app.db, manager, project.id, { email: r.email, role: "reviewer" });

    const corpus = loadCorpus({ seed: options.seed, size: 600, log });
    let t = performance.now();
    await generateItems(app.sql, { projectId: project.id, count: options.items, seed: options.seed, corpus, onProgress: progress("items", options.items) });
    log("");
    await annotateItems(app.sql, { projectId: project.id, userIds: reviewers.map((r) => r.userId), seed: options.seed, templateVersion: template.version, onProgress: progress("annotations + resolutions", options.items) });
    await app.sql`vacuum (analyze) items, annotations, resolutions`;
    const fixtureSeconds = (performance.now() - t) / 1000;
    log(`\n  ${options.items.toLocaleString("en")} annotated, resolved items in ${fixtureSeconds.toFixed(1)} s (${corpus.source})`);

    const baselineBefore = await insertSelectBaseline(app.sql, project.id);
    log(`  baseline (INSERT … SELECT of the items' columns, one line per item): ${baselineBefore.rowsPerSecond.toLocaleString("en")} rows/s`);
    t = performance.now();
    const rssBefore = process.memoryUsage().rss;
    let snapshotPeak = rssBefore;
    const sampler = setInterval(() => (snapshotPeak = Math.max(snapshotPeak, process.memoryUsage().rss)), 25);
    const profile: BuildProfile = {};
    const requested = await requestDataset(app.db, manager, project.id, { name: "Bench", filter: {}, options: {} });
    const outcome = await buildDataset(app.db, requested.id, { profile, onProgress: (p) => p.total && progress("snapshot", p.total)(p.done) }).finally(() => clearInterval(sampler));
    if (!("built" in outcome)) throw new Error(`The snapshot was not built (${outcome.skipped}).`);
    const dataset = outcome.built;
    const seconds = (performance.now() - t) / 1000;
    log("");
    const baselineAfter = await insertSelectBaseline(app.sql, project.id);
    const baselineRate = Math.round((baselineBefore.rowsPerSecond + baselineAfter.rowsPerSecond) / 2);
    const snapshot = {
      seconds: round(seconds),
      items: dataset.counts.items,
      annotations: dataset.counts.annotations,
      itemsPerSecond: Math.round(dataset.counts.items / seconds),
      peakRssMb: Math.round(snapshotPeak / 2 ** 20),
      phases: Object.fromEntries(Object.entries(profile).map(([phase, ms]) => [phase, round(ms / 1000)])),
      baseline: { rowsPerSecond: baselineRate, before: baselineBefore, after: baselineAfter },
      ratio: round(dataset.counts.items / seconds / baselineRate),
    };
    log(`  snapshot (requestDataset + buildDataset): ${snapshot.items.toLocaleString("en")} items, ${snapshot.annotations.toLocaleString("en")} annotations in ${snapshot.seconds} s = ${snapshot.itemsPerSecond.toLocaleString("en")} items/s, peak RSS ${snapshot.peakRssMb} MB; baseline ${baselineRate.toLocaleString("en")} rows/s; ratio ${snapshot.ratio}`);
    for (const [phase, s] of Object.entries(snapshot.phases)) log(`    ${phase}: ${s} s`);
    await app.sql`vacuum (analyze) dataset_lines`;

    const runs: Record<string, { export: StreamRun; baseline: StreamRun; ratio: number }> = {};
    for (const format of ["annotations-jsonl", "openai-chat"] as const) {
      const copy = () => copyStream(app.sql, baselineQuery(dataset.id, format));
      await measureStream(copy); // warm-up: both runs then read from the same cache
      const baseline = await measureStream(copy);
      const exported = await measureStream(async () => (await exportDataset(app.db, manager, dataset.id, { format: format as ExportFormat })).body);
      runs[format] = { export: exported, baseline, ratio: round(exported.rowsPerSecond / baseline.rowsPerSecond) };
      log(`  ${format}: export ${exported.rowsPerSecond.toLocaleString("en")} rows/s (${exported.mbPerSecond} MB/s, peak RSS ${exported.peakRssMb} MB); COPY ${baseline.rowsPerSecond.toLocaleString("en")} rows/s; ratio ${runs[format].ratio}`);
    }
    // The download as a client gets it: the resource routes' answer written by the edge's bridge
    // (server/remix-bridge.ts) to a real socket, read by an HTTP client in this process.
    const overHttp = await withDownloadServer(app.db, manager, dataset.id, (url) => measureStream(() => download(`${url}?format=annotations-jsonl`)));
    log(`  annotations-jsonl over HTTP (route answer → bridge → socket): ${overHttp.rowsPerSecond.toLocaleString("en")} rows/s (${overHttp.mbPerSecond} MB/s, peak RSS ${overHttp.peakRssMb} MB)`);

    const peakRssMb = Math.max(overHttp.peakRssMb, ...Object.values(runs).map((r) => r.export.peakRssMb));
    const results = {
      benchmark: "export",
      date: new Date().toISOString(),
      command: ["npm run bench:export", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
      machine: machineInfo(),
      database: { where: database.where.replace(/, database .*$/, ""), postgres: version },
      setup: { ...options, corpus: corpus.source, fixtureSeconds: round(fixtureSeconds) },
      snapshot,
      runs,
      overHttp,
      targets: {
        snapshot: { target: `≥ ${TARGET_SNAPSHOT_RATIO}× the INSERT … SELECT rate`, ratio: snapshot.ratio, met: snapshot.ratio >= TARGET_SNAPSHOT_RATIO },
        ratio: { target: `≥ ${TARGET_RATIO}× the COPY rate`, met: Object.values(runs).every((r) => r.ratio >= TARGET_RATIO) },
        peakRss: { target: `< ${TARGET_RSS_MB} MB while exporting`, peakRssMb, met: peakRssMb < TARGET_RSS_MB },
      },
      totalSeconds: round((performance.now() - started) / 1000),
    };
    const files = writeResults("export", results, toMarkdown(results));
    log(`\n${toMarkdown(results)}\nWrote ${files.join(", ")}.`);
  } finally {
    if (cleanup && !database.owned && !options.keep) await cleanup();
    await app.sql.end({ timeout: 5 });
    await database.close({ keep: options.keep });
  }
}

/**
 * The snapshot's baseline: the same items (every resolved one, as the empty filter takes) with
 * their columns written as one line each into a table shaped like dataset_lines (its columns,
 * defaults, constraints and primary key), by one INSERT … SELECT; the table is dropped after.
 */
async function insertSelectBaseline(sql: postgres.Sql, projectId: string) {
  await sql`drop table if exists bench_baseline_lines`;
  await sql`create table bench_baseline_lines (like dataset_lines including defaults including constraints including indexes)`;
  const started = performance.now();
  const result = await sql`
    insert into bench_baseline_lines (dataset_id, format, seq, split, item_id, line)
    select ${randomUUID()}, 'item', (row_number() over (order by i.id) - 1)::int, 'train', i.id,
           json_build_object('input', i.input, 'outputs', i.outputs, 'externalId', i.external_id)::text || E'\n'
    from items i where i.project_id = ${projectId} and i.resolved_at is not null`;
  const seconds = (performance.now() - started) / 1000;
  await sql`drop table bench_baseline_lines`;
  return { rows: result.count, seconds: round(seconds), rowsPerSecond: Math.round(result.count / seconds) };
}

/** A server answering `GET /` with the snapshot's export the way the download routes do, for `use`. */
async function withDownloadServer<T>(db: Db, actor: Actor, datasetId: string, use: (url: string) => Promise<T>): Promise<T> {
  const server = http.createServer((req, res) => {
    const format = new URL(req.url ?? "/", "http://x").searchParams.get("format") as ExportFormat;
    datasetFileResponse(db, actor, datasetId, { format })
      .then((response) => sendResponse(res, response))
      .catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  try {
    return await use(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function download(url: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => (res.statusCode === 200 ? resolve(res) : reject(new Error(`The download answered ${res.statusCode}`)))).on("error", reject);
  });
}

async function copyStream(sql: postgres.Sql, query: string) {
  return sql.unsafe(query).readable();
}

function toMarkdown(r: {
  date: string;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  database: { where: string; postgres: string };
  setup: { items: number; corpus: string; fixtureSeconds: number };
  snapshot: { seconds: number; items: number; annotations: number; itemsPerSecond: number; peakRssMb: number; phases: Record<string, number>; baseline: { rowsPerSecond: number; before: { rowsPerSecond: number }; after: { rowsPerSecond: number } }; ratio: number };
  runs: Record<string, { export: StreamRun; baseline: StreamRun; ratio: number }>;
  overHttp: StreamRun;
  targets: { snapshot: { target: string; ratio: number; met: boolean }; ratio: { target: string; met: boolean }; peakRss: { target: string; peakRssMb: number; met: boolean } };
}): string {
  const rows = Object.entries(r.runs).flatMap(([format, run]) => [
    [`${format}: export (exportDataset)`, run.export.rows.toLocaleString("en"), run.export.seconds, run.export.rowsPerSecond.toLocaleString("en"), run.export.mbPerSecond, run.export.peakRssMb, run.ratio],
    [`${format}: raw COPY TO STDOUT`, run.baseline.rows.toLocaleString("en"), run.baseline.seconds, run.baseline.rowsPerSecond.toLocaleString("en"), run.baseline.mbPerSecond, run.baseline.peakRssMb, 1],
  ]);
  return [
    `# Export benchmark — ${r.date.slice(0, 10)}`,
    "",
    `\`${r.command}\` on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, commit ${r.machine.commit ?? "?"}; ${r.database.where}, PostgreSQL ${r.database.postgres}.`,
    `${r.setup.items.toLocaleString("en")} items (${r.setup.corpus}), annotated and resolved set-based in ${r.setup.fixtureSeconds} s.`,
    "",
    "## Snapshot",
    "",
    markdownTable(["run", "rows", "seconds", "rows/s", "peak RSS MB", "ratio to INSERT … SELECT"], [
      ["snapshot (requestDataset + buildDataset, the job's build)", r.snapshot.items.toLocaleString("en"), r.snapshot.seconds, r.snapshot.itemsPerSecond.toLocaleString("en"), r.snapshot.peakRssMb, r.snapshot.ratio],
      ["INSERT … SELECT of the same items' columns (before / after the snapshot)", r.snapshot.items.toLocaleString("en"), "", `${r.snapshot.baseline.before.rowsPerSecond.toLocaleString("en")} / ${r.snapshot.baseline.after.rowsPerSecond.toLocaleString("en")}`, "", 1],
    ]),
    "",
    `It froze ${r.snapshot.items.toLocaleString("en")} items and ${r.snapshot.annotations.toLocaleString("en")} annotations. Where its time went (s; the writing phases split into waiting for PostgreSQL and Node's own work):`,
    "",
    markdownTable(["phase", "seconds"], Object.entries(r.snapshot.phases).map(([phase, seconds]) => [phase, seconds])),
    "",
    "## Exports",
    "",
    markdownTable(["run", "rows", "seconds", "rows/s", "MB/s", "peak RSS MB", "ratio to COPY"], [
      ...rows,
      ["annotations-jsonl: over HTTP (route answer → edge bridge → socket → client)", r.overHttp.rows.toLocaleString("en"), r.overHttp.seconds, r.overHttp.rowsPerSecond.toLocaleString("en"), r.overHttp.mbPerSecond, r.overHttp.peakRssMb, round(r.overHttp.rowsPerSecond / (r.runs["annotations-jsonl"]?.baseline.rowsPerSecond ?? NaN))],
    ]),
    "",
    `Targets: snapshot ${r.targets.snapshot.target}: ${r.targets.snapshot.ratio}, **${r.targets.snapshot.met ? "met" : "missed"}**; export ${r.targets.ratio.target}: **${r.targets.ratio.met ? "met" : "missed"}**; peak RSS ${r.targets.peakRss.target}: ${r.targets.peakRss.peakRssMb} MB, **${r.targets.peakRss.met ? "met" : "missed"}**.`,
  ].join("\n");
}

await main();
