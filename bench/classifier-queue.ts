/**
 * npm run bench:classifier (its second part) [-- --reviewers 4 --claims 400 --keep]
 *
 * Whether the review queue stays responsive while a classifier trains in the same process: a
 * project of BANKING77's 10,003 training rows as gold labels and its 3,080 test rows as open
 * items; --reviewers simulated reviewers claim and submit (claimNextItem → submitAnnotation, the
 * verbs the routes use) --claims items without training (the baseline), then again while the
 * training job (trainClassifierModel: a worker thread trains, then this process predicts every
 * unlabelled item and writes its suggestions) runs in the same process, until it ends (or the
 * open items run out). Each reviewer pauses --think-ms between items in both phases. Reports claim p50/p95 in
 * both phases and their ratio (target: p95 during training ≤ 2× without). Results:
 * bench/results/classifier-queue-*.{json,md}. Database: as the other benches.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { connect, connectDatabase } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { requestClassifierTraining } from "~/modules/classifier/request-training.server";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { trainClassifierModel } from "~/modules/classifier/train-model.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { createUser } from "~/modules/users/create-user.server";
import { parseCsv, sharedData } from "~test/support/shared-data";
import { openBenchDatabase } from "./lib/database";
import { machineInfo, writeResults } from "./lib/results";
import { summarize, type Summary } from "./lib/stats";

const { values: flags } = parseArgs({
  options: { reviewers: { type: "string", default: "4" }, claims: { type: "string", default: "400" }, "think-ms": { type: "string", default: "40" }, keep: { type: "boolean", default: false } },
});
const REVIEWERS = Number(flags.reviewers);
const CLAIMS = Number(flags.claims);
/** Each reviewer's pause between items: paced, so the claims spread over the whole training job instead of using up the items in its first seconds. */
const THINK_MS = Number(flags["think-ms"]);
const log = (line: string) => console.log(line);

const paths = sharedData("banking77/train.csv", "banking77/test.csv");
if (!paths) throw new Error("BANKING77 is not in ../shared/data: this benchmark needs it.");
const rows = (file: string) => parseCsv(fs.readFileSync(file, "utf8")).slice(1).map(([text, label]) => ({ text: text!, label: label! }));
const train = rows(paths[0]!);
const test = rows(paths[1]!);
const labels = [...new Set(train.map((r) => r.label))].sort();

const bench = await openBenchDatabase(log);
try {
  connectDatabase(bench.url);
  const { db, sql } = connect(bench.url, { max: 8 });
  const manager = await createUser(db, null, { email: `manager-${Date.now()}@bench.test`, name: "Manager", password: "bench password, long enough", isAdmin: true, canCreateProjects: true });
  const actor = { userId: manager.id, isAdmin: true, via: "cli" as const };
  const project = await createProject(db, actor, { name: "Classifier queue bench" });
  await saveTemplate(db, actor, project.id, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: labels.map((value) => ({ value })) }] });
  for (let i = 0; i < train.length; i += 1000) {
    await addItems(db, actor, project.id, train.slice(i, i + 1000).map((r, j) => ({ input: r.text, outputs: [], externalId: `train-${i + j}`, gold: { intent: r.label }, priority: -1 })));
  }
  for (let i = 0; i < test.length; i += 1000) {
    await addItems(db, actor, project.id, test.slice(i, i + 1000).map((r, j) => ({ input: r.text, outputs: [], externalId: `test-${i + j}` })));
  }
  const reviewers: Actor[] = [];
  for (let r = 0; r < REVIEWERS; r++) {
    const user = await createUser(db, null, { email: `reviewer-${r}-${Date.now()}@bench.test`, name: `Reviewer ${r}`, password: "bench password, long enough" });
    await addMember(db, actor, project.id, { email: user.email, role: "reviewer" });
    reviewers.push({ userId: user.id, isAdmin: false, via: "cli" as const });
  }
  log(`Project: ${train.length} gold items, ${test.length} open items, ${REVIEWERS} reviewers.`);

  /** Each reviewer claims and submits until `claims` claims were made in all, or `until` says stop; claim latencies in ms. */
  async function reviewPhase(claims: number, until: () => boolean = () => false): Promise<number[]> {
    const samples: number[] = [];
    let left = claims;
    await Promise.all(
      reviewers.map(async (reviewer, r) => {
        while (left > 0 && !until()) {
          left--;
          const started = performance.now();
          const lease = await claimNextItem(db, reviewer, project.id);
          samples.push(performance.now() - started);
          if (!lease) return;
          await submitAnnotation(db, reviewer, { itemId: lease.itemId, values: { intent: labels[(lease.itemId + r) % labels.length]! }, idempotencyKey: `b-${lease.itemId}-${r}`, durationMs: 1000 });
          await new Promise((resolve) => setTimeout(resolve, THINK_MS));
        }
      }),
    );
    return samples;
  }

  await reviewPhase(40); // warm-up
  const baseline = await reviewPhase(CLAIMS);
  await saveClassifierSettings(db, actor, project.id, { questionKey: "intent" });
  const model = await requestClassifierTraining(db, actor, project.id);
  let trainingDone = false;
  const started = performance.now();
  const training = trainClassifierModel(db, model.id).finally(() => (trainingDone = true));
  // why: the claims run only while the job runs; a phase that outlasts it would dilute the figure.
  const during = await reviewPhase(test.length, () => trainingDone);
  const reviewedUntil = (performance.now() - started) / 1000;
  const outcome = await training;
  const jobSeconds = (performance.now() - started) / 1000;
  const [row] = await sql<{ training_ms: number; predict_ms: number; predicted: number }[]>`select training_ms, predict_ms, predicted from classifier_models where id = ${model.id}`;
  const without = summarize(baseline);
  const withTraining = summarize(during);
  const ratio = without.p95 > 0 ? withTraining.p95 / without.p95 : null;
  const result = {
    machine: machineInfo(),
    database: bench.where,
    reviewers: REVIEWERS,
    outcome,
    thinkMs: THINK_MS,
    claimsCoveredSeconds: Math.round(reviewedUntil * 10) / 10,
    job: { seconds: Math.round(jobSeconds * 10) / 10, trainingMs: row?.training_ms, predictMs: row?.predict_ms, predicted: row?.predicted },
    claimMs: { withoutTraining: without, duringTraining: withTraining },
    p95Ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    target: "p95 during training ≤ 2× without",
  };
  const line = (name: string, s: Summary) => `| ${name} | ${s.count} | ${s.p50} | ${s.p95} | ${s.p99} |`;
  const markdown = [
    "# Review queue while the classifier trains",
    "",
    `${machineInfo().cpus} cores; ${REVIEWERS} reviewers claiming and submitting, ${THINK_MS} ms between items; claims during the job cover its first ${result.claimsCoveredSeconds} s of ${result.job.seconds} s; BANKING77 (${train.length} gold, ${test.length} open). Command: \`npm run bench:classifier\`.`,
    "",
    "| Phase | Claims | p50 ms | p95 ms | p99 ms |",
    "|---|---|---|---|---|",
    line("Without training", without),
    line("During the training job", withTraining),
    "",
    `p95 ratio: **${result.p95Ratio ?? "undefined"}×** (target ≤ 2×). The job took ${result.job.seconds} s (training ${row?.training_ms} ms in a worker thread, predicting ${row?.predicted} items ${row?.predict_ms} ms); outcome ${JSON.stringify(outcome)}.`,
  ].join("\n");
  console.log(markdown);
  for (const file of writeResults("classifier-queue", result, markdown)) log(`Wrote ${file}`);
  await sql.end();
} finally {
  await bench.close({ keep: flags.keep });
}
