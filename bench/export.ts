/**
 * npm run bench:export [-- --items 1000000 --seed 42 --keep]
 *
 * A 1,000,000-item `rate-and-correct` project, answered and resolved set-based (bench/lib/items.ts,
 * bench/lib/annotations.ts), frozen into a dataset snapshot by the createDataset verb; then each of
 * `annotations-jsonl` and `openai-chat` is exported through exportDataset (what the download route
 * and the CLI stream) into a counting sink, and in the same run the same rows (the snapshot's
 * frozen lines of that format) are read by a raw `COPY (SELECT …) TO STDOUT`, the baseline. Writes rows/s, the ratio and peak RSS to
 * bench/results/export-*.{json,md}. Database: as bench:queue (bench/lib/database.ts).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { connect } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { exportDataset } from "~/modules/datasets/export-dataset.server";
import type { ExportFormat } from "~/modules/datasets/schemas";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { createUser } from "~/modules/users/create-user.server";
import { annotateItems } from "./lib/annotations";
import { loadCorpus } from "./lib/corpus";
import { openBenchDatabase } from "./lib/database";
import { generateItems } from "./lib/items";
import { measureStream, type StreamRun } from "./lib/measure";
import { machineInfo, markdownTable, writeResults } from "./lib/results";
import { round } from "./lib/stats";

const { values: flags } = parseArgs({ options: { items: { type: "string", default: "1000000" }, seed: { type: "string", default: "42" }, keep: { type: "boolean", default: false } } });
const options = { items: Number(flags.items), seed: Number(flags.seed), keep: flags.keep ?? false };
if (!Number.isInteger(options.items) || options.items <= 0) throw new Error("--items must be a positive whole number");

const TARGET_RATIO = 0.5;
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

    t = performance.now();
    const rssBefore = process.memoryUsage().rss;
    let snapshotPeak = rssBefore;
    const sampler = setInterval(() => (snapshotPeak = Math.max(snapshotPeak, process.memoryUsage().rss)), 25);
    const dataset = await createDataset(app.db, manager, project.id, { name: "Bench", filter: {}, options: {} }).finally(() => clearInterval(sampler));
    const snapshot = { seconds: round((performance.now() - t) / 1000), items: dataset.counts.items, annotations: dataset.counts.annotations, peakRssMb: Math.round(snapshotPeak / 2 ** 20) };
    log(`  snapshot (createDataset): ${snapshot.items.toLocaleString("en")} items, ${snapshot.annotations.toLocaleString("en")} annotations in ${snapshot.seconds} s, peak RSS ${snapshot.peakRssMb} MB`);
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

    const peakRssMb = Math.max(...Object.values(runs).map((r) => r.export.peakRssMb));
    const results = {
      benchmark: "export",
      date: new Date().toISOString(),
      command: ["npm run bench:export", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
      machine: machineInfo(),
      database: { where: database.where.replace(/, database .*$/, ""), postgres: version },
      setup: { ...options, corpus: corpus.source, fixtureSeconds: round(fixtureSeconds) },
      snapshot,
      runs,
      targets: {
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

async function copyStream(sql: postgres.Sql, query: string) {
  return sql.unsafe(query).readable();
}

function toMarkdown(r: {
  date: string;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  database: { where: string; postgres: string };
  setup: { items: number; corpus: string; fixtureSeconds: number };
  snapshot: { seconds: number; items: number; annotations: number; peakRssMb: number };
  runs: Record<string, { export: StreamRun; baseline: StreamRun; ratio: number }>;
  targets: { ratio: { target: string; met: boolean }; peakRss: { target: string; peakRssMb: number; met: boolean } };
}): string {
  const rows = Object.entries(r.runs).flatMap(([format, run]) => [
    [`${format}: export (exportDataset)`, run.export.rows.toLocaleString("en"), run.export.seconds, run.export.rowsPerSecond.toLocaleString("en"), run.export.mbPerSecond, run.export.peakRssMb, run.ratio],
    [`${format}: raw COPY TO STDOUT`, run.baseline.rows.toLocaleString("en"), run.baseline.seconds, run.baseline.rowsPerSecond.toLocaleString("en"), run.baseline.mbPerSecond, run.baseline.peakRssMb, 1],
  ]);
  return [
    `# Export benchmark — ${r.date.slice(0, 10)}`,
    "",
    `\`${r.command}\` on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, commit ${r.machine.commit ?? "?"}; ${r.database.where}, PostgreSQL ${r.database.postgres}.`,
    `${r.setup.items.toLocaleString("en")} items (${r.setup.corpus}), annotated and resolved set-based in ${r.setup.fixtureSeconds} s. ` +
      `Snapshot (createDataset): ${r.snapshot.items.toLocaleString("en")} items and ${r.snapshot.annotations.toLocaleString("en")} annotations frozen in ${r.snapshot.seconds} s, peak RSS ${r.snapshot.peakRssMb} MB.`,
    "",
    markdownTable(["run", "rows", "seconds", "rows/s", "MB/s", "peak RSS MB", "ratio to COPY"], rows),
    "",
    `Targets: ${r.targets.ratio.target}: **${r.targets.ratio.met ? "met" : "missed"}**; peak RSS ${r.targets.peakRss.target}: ${r.targets.peakRss.peakRssMb} MB, **${r.targets.peakRss.met ? "met" : "missed"}**.`,
  ].join("\n");
}

await main();
