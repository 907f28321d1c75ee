import { machineInfo, markdownTable } from "./results";

export type Run = {
  seconds: number;
  rowsPerSecond: number;
  cpuMsPer1000Rows: { node: number; postgres: number | null };
  /** The importing process's peak resident memory (sampled every 20 ms); null for COPY runs. */
  peakRssMiB: number | null;
};

export type ImportResults = {
  date: string;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  database: { where: string; postgres: string };
  setup: { rows: number; seed: number; externalIds: boolean; corpus: string; jsonlBytes: number; averageRowBytes: number };
  baseline: Run;
  importer: Run;
  indexed: Run;
  ratio: number;
  ratioToIndexed: number;
  targets: { ratio: number; peakRssMiB: number };
  checks: { itemsStored: number; distinctHashes: number; ok: boolean };
  totalSeconds: number;
};

/** The results file's markdown: what ran where, the table, the targets and the checks. */
export function toMarkdown(r: ImportResults): string {
  const row = (name: string, run: Run) => [
    name,
    run.rowsPerSecond.toLocaleString("en"),
    run.seconds,
    run.cpuMsPer1000Rows.node,
    run.cpuMsPer1000Rows.postgres ?? "n/a",
    run.peakRssMiB ?? "—",
  ];
  const mark = (ok: boolean) => (ok ? "met" : "**missed**");
  return [
    `## Import benchmark, ${r.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `${r.setup.rows.toLocaleString("en")} rows (${(r.setup.jsonlBytes / 1048576).toFixed(1)} MB of JSONL, ${r.setup.averageRowBytes} bytes a row on average, ` +
      `${r.setup.externalIds ? "each with an externalId" : "keyed by content hash"}). PostgreSQL ${r.database.postgres} (${r.database.where}); ` +
      `${r.machine.cpus} CPUs (${r.machine.cpuModel}), Node ${r.machine.node}, commit ${r.machine.commit ?? "?"}. Rows: ${r.setup.corpus}.`,
    "",
    markdownTable(
      ["run", "rows/s", "seconds", "CPU ms per 1,000 rows: Node", "PostgreSQL", "peak RSS MiB"],
      [
        row("importer (importItems: parse, zod per row, batches by COPY)", r.importer),
        row("baseline: raw COPY into a bare table", r.baseline),
        row("COPY into a copy of items (its indexes and foreign key)", r.indexed),
      ],
    ),
    "",
    `Importer ÷ baseline: **${r.ratio}×** (target ≥ ${r.targets.ratio}×: ${mark(r.ratio >= r.targets.ratio)}); importer ÷ indexed COPY: ${r.ratioToIndexed}×. ` +
      `Importer peak RSS: **${r.importer.peakRssMiB} MiB** (target < ${r.targets.peakRssMiB} MiB: ${mark((r.importer.peakRssMiB ?? Infinity) < r.targets.peakRssMiB)}).`,
    "",
    `Checks: items stored ${r.checks.itemsStored.toLocaleString("en")}, distinct content hashes ${r.checks.distinctHashes.toLocaleString("en")}: ${r.checks.ok ? "every row exactly once." : "**CHECK FAILED.**"}`,
    "",
    "The baseline streams a file prepared beforehand in COPY's text format (external id, content hash, input, outputs, metadata — what the importer writes per row) " +
      "into a table with the same columns and defaults and no index or constraint: the least work loading these rows can be. " +
      "The importer reads the JSONL as the API would read a request body, validates every row with zod, hashes it, encodes it for COPY, and writes batches of 2,000 " +
      "with `COPY` into `items` (its indexes and foreign key), one short transaction each under the project's insert lock, while the next batch is parsed. " +
      "Each run starts from a `CHECKPOINT`. " +
      `CPU figures come from /proc (the backends serving this database). Command: \`${r.command}\`; ${r.totalSeconds} s in all.`,
  ].join("\n");
}
