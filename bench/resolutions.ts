/**
 * npm run bench:resolutions [-- --blocks 10 --per-block 400 --reviewers 1 --items 20000 --refresh-items 100000]
 *
 * 1. What the stale-mark triggers of migration resolution_triggers cost on the review submit
 *    path, without the drift of separate runs: --reviewers concurrent reviewers (one connection
 *    each) claim and submit through the verbs (claimNextItem → submitAnnotation), in alternating
 *    blocks with the `annotations` triggers disabled and enabled, so load on a shared machine hits
 *    both alike. One reviewer measures the work; many measure contention on the marks' index too.
 * 2. How fast refreshResolutions recomputes a whole project after a template change
 *    (--refresh-items answered items, marked project-wide by saving the template again), and how
 *    long the quality report then takes on it.
 * Prints the figures. Database as bench:queue (a throwaway database on TEST_DATABASE_URL's
 * server, else embedded). See docs/decisions/0008-resolutions.md.
 */
import { parseArgs } from "node:util";
import { connect } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { createUser } from "~/modules/users/create-user.server";
import { computeQuality } from "~/modules/quality/compute-quality.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { annotateItems } from "~test/support/generate/annotations";
import { loadCorpus } from "~test/support/generate/corpus";
import { openBenchDatabase } from "./lib/database";
import { generateItems } from "~test/support/generate/items";
import { summarize } from "./lib/stats";

const { values: flags } = parseArgs({
  options: { blocks: { type: "string", default: "10" }, "per-block": { type: "string", default: "400" }, items: { type: "string", default: "20000" }, reviewers: { type: "string", default: "1" }, "refresh-items": { type: "string", default: "100000" } },
});
const blocks = Number(flags.blocks);
const perBlock = Number(flags["per-block"]);
const reviewerCount = Number(flags.reviewers);
const TRIGGERS = ["annotations_mark_stale_insert", "annotations_mark_stale_update", "annotations_mark_stale_delete"];

async function main() {
  const database = await openBenchDatabase(console.log);
  const app = connect(database.url, { max: reviewerCount });
  try {
    const manager = await createUser(app.db, null, { email: `trigger-bench-m-${Date.now()}@example.com`, name: "M", password: "bench password long", isAdmin: false, canCreateProjects: true });
    const managerActor = { userId: manager.id, isAdmin: false, via: "session" as const };
    const project = await createProject(app.db, managerActor, { name: `Trigger bench ${Date.now()}` });
    await saveTemplate(app.db, managerActor, project.id, templatePresets["rate-and-correct"].template);
    const reviewers = [];
    for (let r = 0; r < reviewerCount; r++) {
      const user = await createUser(app.db, null, { email: `trigger-bench-r${r}-${Date.now()}@example.com`, name: `R${r}`, password: "bench password long", isAdmin: false });
      await addMember(app.db, managerActor, project.id, { email: user.email, role: "reviewer" });
      reviewers.push({ ...user, actor: { userId: user.id, isAdmin: false, via: "session" as const } });
    }
    const reviewer = reviewers[0]!;
    await generateItems(app.sql, { projectId: project.id, count: Number(flags.items), seed: 42, corpus: loadCorpus({ seed: 42, size: 600, log: console.log }), connections: 1 });
    await app.sql`vacuum (analyze) items`;

    const samples: Record<"off" | "on", number[]> = { off: [], on: [] };
    const blockSeconds = { off: 0, on: 0 };
    for (let b = 0; b < blocks; b++) {
      const mode = b % 2 === 0 ? "off" : "on";
      for (const t of TRIGGERS) await app.sql.unsafe(`alter table annotations ${mode === "off" ? "disable" : "enable"} trigger ${t}`);
      const started = performance.now();
      await Promise.all(
        reviewers.map(async ({ actor }, r) => {
          for (let i = 0; i < perBlock / reviewerCount; i++) {
            const lease = await claimNextItem(app.db, actor, project.id);
            if (!lease) throw new Error("Out of items; raise --items.");
            const t0 = performance.now();
            await submitAnnotation(app.db, actor, { itemId: lease.itemId, values: { quality: 1 + (i % 5) }, idempotencyKey: `tb-${b}-${r}-${i}` });
            samples[mode].push(performance.now() - t0);
          }
        }),
      );
      blockSeconds[mode] += (performance.now() - started) / 1000;
    }
    for (const t of TRIGGERS) await app.sql.unsafe(`alter table annotations enable trigger ${t}`);
    const [{ marks }] = await app.sql<[{ marks: number }]>`select count(*)::int as marks from resolution_stale where project_id = ${project.id}`;
    const off = summarize(samples.off);
    const on = summarize(samples.on);
    const rate = (mode: "off" | "on") => Math.round(samples[mode].length / blockSeconds[mode]);
    console.log(`claimNextItem → submitAnnotation, ${reviewerCount} reviewer(s), one connection each, ${blocks} alternating blocks of ${perBlock}:`);
    console.log(`  triggers off: submit p50 ${off.p50} ms, p95 ${off.p95} ms, mean ${off.mean} ms; ${rate("off")} pairs/s (${off.count} submits)`);
    console.log(`  triggers on:  submit p50 ${on.p50} ms, p95 ${on.p95} ms, mean ${on.mean} ms; ${rate("on")} pairs/s (${on.count} submits, ${marks} stale marks written)`);
    console.log(`  difference of means: ${(on.mean - off.mean).toFixed(3)} ms per submit (${(((on.mean - off.mean) / off.mean) * 100).toFixed(1)}%)`);

    const big = await createProject(app.db, managerActor, { name: `Refresh bench ${Date.now()}` });
    const template = await saveTemplate(app.db, managerActor, big.id, templatePresets["rate-and-correct"].template);
    const count = Number(flags["refresh-items"]);
    await generateItems(app.sql, { projectId: big.id, count, seed: 7, corpus: loadCorpus({ seed: 7, size: 600, log: () => {} }), connections: 1 });
    await annotateItems(app.sql, { projectId: big.id, userIds: [reviewer.id], seed: 7, templateVersion: template.version });
    await app.sql`vacuum (analyze) items, annotations, resolutions`;
    await saveTemplate(app.db, managerActor, big.id, templatePresets["rate-and-correct"].template);
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    const outcome = await refreshResolutions(app.db, big.id);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`refreshResolutions after a template change on ${count.toLocaleString("en")} answered items: ${outcome.items.toLocaleString("en")} items in ${seconds.toFixed(1)} s`);
    console.log(`  ${Math.round(outcome.items / seconds).toLocaleString("en")} items/s; RSS ${Math.round(rss / 2 ** 20)} MB before, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB after`);
    const t1 = performance.now();
    const report = await computeQuality(app.db, managerActor, big.id);
    console.log(
      `computeQuality (the Quality page and API) on the same project: ${((performance.now() - t1) / 1000).toFixed(1)} s for ${report.questions.length} questions; RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
    );
  } finally {
    await app.sql.end({ timeout: 5 });
    await database.close({ keep: false });
  }
}

await main();
