import { machineInfo, markdownTable } from "./results";
import type { PhaseResult } from "./review-loop";
import { round, type Summary } from "./stats";

/** The issue's targets for the verbs: p95 within 2x of the bare-SQL baseline, and under 25 ms. */
const TARGET_RATIO = 2;
const TARGET_P95_MS = 25;

export type QueueSetup = {
  items: number;
  overlap: number;
  order: string;
  reviewers: number;
  seconds: number;
  warmup: number;
  thinkMs: number;
  corpus: string;
  generationSeconds: number;
  vacuumAnalyzeSeconds: number;
};

export type QueueChecks = {
  itemsOverOverlap: number;
  itemsOverAssigned: number;
  sameReviewerTwice: number;
  counterMismatches: number;
  verbAnnotations: { inDatabase: number; completedPairs: number };
  baselineAnnotations: { inDatabase: number; completedPairs: number };
  ok: boolean;
};

export function ratios(verbs: PhaseResult, baseline: PhaseResult) {
  const r = (op: "claim" | "submit" | "pair") => round(verbs.latencyMs[op].p95 / baseline.latencyMs[op].p95);
  return { claimP95: r("claim"), submitP95: r("submit"), pairP95: r("pair"), throughput: round(verbs.pairsPerSecond / baseline.pairsPerSecond) };
}

export function targets(verbs: PhaseResult, baseline: PhaseResult) {
  const t = (op: "claim" | "submit" | "pair") => ({
    p95Ms: verbs.latencyMs[op].p95,
    withinTwiceBaseline: verbs.latencyMs[op].p95 <= TARGET_RATIO * baseline.latencyMs[op].p95,
    under25Ms: verbs.latencyMs[op].p95 < TARGET_P95_MS,
  });
  return { claim: t("claim"), submit: t("submit"), pair: t("pair") };
}

export type QueueRun = { verbs: PhaseResult; baseline: PhaseResult; ratio: ReturnType<typeof ratios>; targets: ReturnType<typeof targets> };

/** The results file's markdown: what ran where, a table per run (saturated, paced), the targets and the checks. */
export function toMarkdown(r: {
  date: string;
  command: string;
  machine: ReturnType<typeof machineInfo>;
  database: { where: string; postgres: string };
  setup: QueueSetup;
  saturated: QueueRun;
  paced: QueueRun;
  checks: QueueChecks;
}) {
  const lat = (s: Summary) => `${s.p50} / ${s.p95} / ${s.p99}`;
  const row = (name: string, p: PhaseResult) => [
    name,
    p.pairsPerSecond,
    p.operationsPerSecond,
    lat(p.latencyMs.claim),
    lat(p.latencyMs.submit),
    lat(p.latencyMs.pair),
    `${p.cpuMsPerPair.node} / ${p.cpuMsPerPair.postgres ?? "n/a"}`,
    p.pairs,
    Object.values(p.errors).reduce((a, b) => a + b, 0),
  ];
  const mark = (ok: boolean) => (ok ? "met" : "**missed**");
  const targetLine = (run: QueueRun) =>
    (["claim", "submit", "pair"] as const)
      .map((op) => {
        const t = run.targets[op];
        return `${op} p95 ${t.p95Ms} ms: ≤ 2× baseline ${mark(t.withinTwiceBaseline)} (${run.ratio[`${op}P95`]}×), < 25 ms ${mark(t.under25Ms)}`;
      })
      .join("; ");
  const table = (run: QueueRun) =>
    markdownTable(
      ["run", "pairs/s", "claims+submits/s", "claim p50 / p95 / p99 ms", "submit p50 / p95 / p99 ms", "pair p50 / p95 / p99 ms", "CPU ms per pair: Node / PostgreSQL", "pairs", "errors"],
      [
        row("verbs (claimNextItem + submitAnnotation)", run.verbs),
        row("bare SQL baseline", run.baseline),
        ["verbs ÷ baseline (p95)", run.ratio.throughput, "", `${run.ratio.claimP95}×`, `${run.ratio.submitP95}×`, `${run.ratio.pairP95}×`, ratioCpu(run.verbs, run.baseline), "", ""],
      ],
    );
  const c = r.checks;
  const errors = [r.saturated, r.paced].flatMap((run) => [...Object.entries(run.verbs.errors), ...Object.entries(run.baseline.errors)]);
  const n = r.setup.reviewers;
  return [
    `## Queue benchmark, ${r.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `${r.setup.items.toLocaleString("en")} items, overlap ${r.setup.overlap}, order ${r.setup.order}, ${n} concurrent reviewers, ` +
      `${r.setup.seconds} s measured per run after ${r.setup.warmup} s warm-up. ` +
      `PostgreSQL ${r.database.postgres} (${r.database.where}); ${r.machine.cpus} CPUs (${r.machine.cpuModel}), Node ${r.machine.node}, commit ${r.machine.commit ?? "?"}. ` +
      `Items: ${r.setup.corpus}; generated in ${r.setup.generationSeconds} s, vacuum + analyze ${r.setup.vacuumAnalyzeSeconds} s.`,
    "",
    `### Saturated: no think time`,
    "",
    table(r.saturated),
    "",
    `Targets: ${targetLine(r.saturated)}. ` +
      `Every reviewer goes straight on to the next item, so the machine is always full and mean pair latency ≈ ${n} ÷ pairs/s (Little's law): ` +
      "this run measures capacity, and its latency is mostly waiting for a CPU. The CPU per pair is the figure that other load on the machine disturbs least.",
    "",
    `### Paced: each reviewer pauses ~${r.setup.thinkMs} ms between items`,
    "",
    table(r.paced),
    "",
    `Targets: ${targetLine(r.paced)}. ` +
      `The pause is exponentially distributed with mean ${r.setup.thinkMs} ms (seeded), so at most ${Math.round((n * 1000) / r.setup.thinkMs)} pairs/s are offered — ` +
      "far faster than people review, below what the machine can carry — and latency is the work itself plus what contention remains.",
    "",
    `Checks after the runs: items with more answers than the overlap: **${c.itemsOverOverlap}**; items with more live leases + answers than the overlap: **${c.itemsOverAssigned}**; ` +
      `(item, reviewer) pairs answered twice: **${c.sameReviewerTwice}**; items whose counter or status disagrees with their answers: **${c.counterMismatches}**; ` +
      `answers stored = pairs completed: verbs ${c.verbAnnotations.inDatabase} = ${c.verbAnnotations.completedPairs}, baseline ${c.baselineAnnotations.inDatabase} = ${c.baselineAnnotations.completedPairs}. ` +
      `${c.ok ? "All checks passed." : "**CHECKS FAILED.**"}`,
    ...(errors.length ? ["", `Errors: ${errors.map(([k, count]) => `${count}× ${k}`).join("; ")}`] : []),
    "",
    `Baseline: on each of ${n} reserved postgres.js connections, one transaction per item: \`SELECT … FOR UPDATE SKIP LOCKED\` (the lock is the lease), insert the lease, insert the annotation, update the item, commit. ` +
      "The verbs: `claimNextItem` (one call of `loupe_claim_item`) and `submitAnnotation` (one read, the answer checked against the template, one call of `loupe_submit_annotation`), as the routes call them. " +
      "All runs use the same project, pool and reviewers: the verbs run first, then the tables are vacuumed and analysed, so the baselines start from the same clean state on the remaining open items. " +
      `Command: \`${r.command}\`.`,
  ].join("\n");
}

function ratioCpu(verbs: PhaseResult, baseline: PhaseResult) {
  const node = round(verbs.cpuMsPerPair.node / baseline.cpuMsPerPair.node);
  const pg = verbs.cpuMsPerPair.postgres && baseline.cpuMsPerPair.postgres ? `${round(verbs.cpuMsPerPair.postgres / baseline.cpuMsPerPair.postgres)}×` : "n/a";
  return `${node}× / ${pg}`;
}
