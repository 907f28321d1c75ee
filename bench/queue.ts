/**
 * npm run bench:queue [-- --seconds 30 --overlap 1 --items 1000000 --reviewers 32 --order priority|random
 *                        --warmup 2 --think-ms 100 --seed 42 --keep]
 *
 * A 1,000,000-item project; simulated reviewers claim and submit through the verbs the routes use
 * (claimNextItem → submitAnnotation), then through the bare SQL a minimal SKIP LOCKED queue needs
 * (the baseline), on the same items and the same pool. Each runs twice: saturated (no think time:
 * throughput, and latency that is mostly queueing) and paced (each reviewer pauses a random think
 * time averaging --think-ms between items: latency at a load the machine can carry). Prints and
 * writes throughput, p50/p95/p99 and the double-assignment checks to bench/results/queue-*.{json,md}.
 * Database: DATABASE_URL as is; else a throwaway database on TEST_DATABASE_URL's server; else
 * the embedded server in .data/bench. `--keep` keeps the database. See docs/decisions/0006-queue-claim.md.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { connect, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { createUser } from "~/modules/users/create-user.server";
import { loadCorpus } from "~test/support/generate/corpus";
import { openBenchDatabase } from "./lib/database";
import { generateItems } from "~test/support/generate/items";
import { seededRandom } from "~test/support/generate/random";
import { ratios, targets, toMarkdown, type QueueChecks } from "./lib/queue-report";
import { machineInfo, writeResults } from "./lib/results";
import { runReviewLoop, type PhaseResult, type Worker } from "./lib/review-loop";
import { round } from "./lib/stats";

const { values: flags } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    warmup: { type: "string", default: "2" },
    items: { type: "string", default: "1000000" },
    overlap: { type: "string", default: "1" },
    reviewers: { type: "string", default: "32" },
    order: { type: "string", default: "priority" },
    seed: { type: "string", default: "42" },
    "think-ms": { type: "string", default: "100" },
    keep: { type: "boolean", default: false },
  },
});
const options = {
  seconds: positive("seconds"),
  warmup: Number(flags.warmup),
  items: positive("items"),
  overlap: positive("overlap"),
  reviewers: positive("reviewers"),
  order: flags.order === "random" ? ("random" as const) : ("priority" as const),
  seed: positive("seed"),
  thinkMs: positive("think-ms"),
  keep: flags.keep ?? false,
};

type Reviewer = { actor: Actor; email: string };
type Fixture = { projectId: string; manager: Reviewer; reviewers: Reviewer[] };
const log = (line: string) => console.log(line);
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function main() {
  const started = performance.now();
  const database = await openBenchDatabase(log);
  const app = connect(database.url, { max: 40 });
  let fixture: Fixture | undefined;
  try {
    const [{ version }] = (await app.sql`select current_setting('server_version') as version`) as unknown as [{ version: string }];
    log(`Queue benchmark on ${database.where}, PostgreSQL ${version}`);
    fixture = await buildProject(app.db);

    const corpus = loadCorpus({ seed: options.seed, size: 600, log });
    let t = performance.now();
    await generateItems(app.sql, {
      projectId: fixture.projectId,
      count: options.items,
      seed: options.seed,
      corpus,
      randomKeys: options.order === "random",
      onProgress: (done) => process.stdout.write(`\r  generating items: ${done.toLocaleString("en")} / ${options.items.toLocaleString("en")}`),
    });
    const generationSeconds = (performance.now() - t) / 1000;
    log(`\n  ${options.items.toLocaleString("en")} items in ${generationSeconds.toFixed(1)} s (${corpus.source})`);
    t = performance.now();
    await app.sql`vacuum (analyze) items`;
    const vacuumSeconds = (performance.now() - t) / 1000;
    log(`  vacuum + analyze in ${vacuumSeconds.toFixed(1)} s`);

    const paced = options;
    const saturated = { ...options, thinkMs: 0 };
    const phase = async (name: string, loop: typeof options, make: (i: number) => Worker | Promise<Worker>) => {
      log(`${name}, ${options.reviewers} reviewers, ${loop.thinkMs ? `think time ~${loop.thinkMs} ms` : "no think time"}, ${options.warmup} s warm-up + ${options.seconds} s`);
      const result = await runReviewLoop(app.sql, loop, make);
      report(name, result);
      return result;
    };
    const verbs = await phase("Verbs: claimNextItem → submitAnnotation", saturated, (i) => verbWorker(app.db, fixture!, i));
    const verbsPaced = await phase("Verbs, paced", paced, (i) => verbWorker(app.db, fixture!, i));
    // why: the baselines start from the same state as the verbs did: the finished items vacuumed
    // away from the head of the open-items index, statistics fresh. The verbs go first because the
    // baseline leaves its leases in state 'leased' (the row lock was its lease), which the verbs would read.
    t = performance.now();
    await app.sql`vacuum (analyze) items, assignments, annotations, annotation_history`;
    log(`  vacuum + analyze in ${elapsed(t)}`);
    const baseline = await phase("Baseline: bare SQL claim + submit", saturated, (i) => sqlWorker(app.sql, fixture!, i));
    const baselinePaced = await phase("Baseline, paced", paced, (i) => sqlWorker(app.sql, fixture!, i));

    const checks = await verify(app.sql, fixture.projectId, [verbs, verbsPaced], [baseline, baselinePaced]);
    const results = {
      benchmark: "queue",
      date: new Date().toISOString(),
      command: ["npm run bench:queue", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
      machine: machineInfo(),
      database: { where: database.where.replace(/, database .*$/, ""), postgres: version },
      setup: { ...options, corpus: corpus.source, generationSeconds: round(generationSeconds), vacuumAnalyzeSeconds: round(vacuumSeconds) },
      saturated: { verbs, baseline, ratio: ratios(verbs, baseline), targets: targets(verbs, baseline) },
      paced: { thinkMs: options.thinkMs, verbs: verbsPaced, baseline: baselinePaced, ratio: ratios(verbsPaced, baselinePaced), targets: targets(verbsPaced, baselinePaced) },
      checks,
      totalSeconds: round((performance.now() - started) / 1000),
    };
    const markdown = toMarkdown(results);
    const files = writeResults("queue", results, markdown);
    log(`\n${markdown}\nWrote ${files.join(", ")} in ${elapsed(started)} total.`);
    if (!checks.ok) process.exitCode = 1;
  } finally {
    if (fixture && !database.owned && !options.keep) await removeProject(app.sql, fixture);
    await app.sql.end({ timeout: 5 });
    await database.close({ keep: options.keep });
  }
}

/** The project through the same verbs an admin and a manager would use; items come separately. */
async function buildProject(db: Database): Promise<Fixture> {
  const tag = randomUUID().slice(0, 8);
  const person = async (role: string, i = 0): Promise<Reviewer> => {
    const email = `bench-${role}-${i}-${tag}@example.com`;
    const user = await createUser(db, null, { email, name: `Bench ${role} ${i}`, password: `bench password ${tag}`, isAdmin: false, canCreateProjects: role === "manager" });
    return { email, actor: { userId: user.id, isAdmin: false, via: "session" } };
  };
  const manager = await person("manager");
  const project = await createProject(db, manager.actor, { name: `Queue bench ${tag}` });
  await saveTemplate(db, manager.actor, project.id, templatePresets["rate-and-correct"].template);
  await updateProjectSettings(db, manager.actor, project.id, { overlap: options.overlap, itemOrder: options.order });
  const reviewers = await Promise.all(Array.from({ length: options.reviewers }, (_, i) => person("reviewer", i)));
  for (const r of reviewers) await addMember(db, manager.actor, project.id, { email: r.email, role: "reviewer" });
  return { projectId: project.id, manager, reviewers };
}

function verbWorker(db: Database, fixture: Fixture, i: number): Worker {
  const reviewer = fixture.reviewers[i]!;
  const random = seededRandom(options.seed + i);
  return {
    claim: async () => (await claimNextItem(db, reviewer.actor, fixture.projectId))?.itemId ?? null,
    submit: async (itemId) => {
      await submitAnnotation(db, reviewer.actor, {
        itemId,
        values: { quality: 1 + Math.floor(random() * 5) },
        idempotencyKey: `bench-verbs-${randomUUID()}`,
        durationMs: 1000 + Math.floor(random() * 60_000),
      });
    },
  };
}

/**
 * The least a correct SKIP LOCKED queue must do: one transaction per item on a connection of
 * its own, where the row lock is the lease (claim = begin, pick and lock, insert the lease;
 * submit = insert the answer, count it, commit).
 */
async function sqlWorker(sql: postgres.Sql, fixture: Fixture, i: number): Promise<Worker> {
  const conn = await sql.reserve();
  const userId = fixture.reviewers[i]!.actor.userId;
  const { projectId } = fixture;
  const random = seededRandom(options.seed + 1000 + i);
  const orderBy = options.order === "random" ? conn`random_key, id` : conn`priority desc nulls last, id`;
  // With overlap > 1 an item stays open after one answer, so a reviewer must skip their own.
  const notMine = options.overlap > 1 ? conn`and not exists (select 1 from annotations a where a.item_id = items.id and a.user_id = ${userId})` : conn``;
  return {
    async claim() {
      await conn`begin`;
      try {
        const [row] = await conn`
          select id from items where project_id = ${projectId} and status = 'open' ${notMine}
          order by ${orderBy} limit 1 for update skip locked`;
        if (!row) {
          await conn`rollback`;
          return null;
        }
        await conn`insert into assignments (item_id, project_id, user_id, expires_at)
                   values (${row.id}, ${projectId}, ${userId}, now() + interval '30 minutes') returning id`;
        return Number(row.id);
      } catch (error) {
        await conn`rollback`;
        throw error;
      }
    },
    async submit(itemId) {
      try {
        await conn`insert into annotations (item_id, project_id, user_id, template_version, values, status, idempotency_key, duration_ms, submitted_at)
                   values (${itemId}, ${projectId}, ${userId}, 1, ${JSON.stringify({ quality: 1 + Math.floor(random() * 5) })}::text::jsonb, 'submitted',
                           ${`bench-sql-${randomUUID()}`}, ${1000 + Math.floor(random() * 60_000)}, now())`;
        await conn`update items set submitted_count = submitted_count + 1,
                     status = case when submitted_count + 1 >= ${options.overlap} then 'done'::item_status else 'open'::item_status end
                   where id = ${itemId}`;
        await conn`commit`;
      } catch (error) {
        await conn`rollback`;
        throw error;
      }
    },
    close: async () => conn.release(),
  };
}

/** Double assignments and counter drift, checked in SQL over everything both runs wrote. */
async function verify(sql: postgres.Sql, projectId: string, verbRuns: PhaseResult[], baselineRuns: PhaseResult[]): Promise<QueueChecks> {
  const completed = (runs: PhaseResult[]) => runs.reduce((sum, r) => sum + r.completedIncludingWarmup, 0);
  const overlap = options.overlap;
  const [row] = await sql`
    select
      (select count(*)::int from (select 1 from annotations where project_id = ${projectId} and status = 'submitted'
                                  group by item_id having count(*) > ${overlap}) x) as "itemsOverOverlap",
      (select count(*)::int from (select 1 from assignments where project_id = ${projectId}
                                  and (state = 'submitted' or (state = 'leased' and expires_at > now()))
                                  group by item_id having count(*) > ${overlap}) x) as "itemsOverAssigned",
      (select count(*)::int from (select 1 from annotations where project_id = ${projectId}
                                  group by item_id, user_id having count(*) > 1) x) as "sameReviewerTwice",
      (select count(*)::int from items i
         left join (select item_id, count(*) as n from annotations where project_id = ${projectId} and status = 'submitted' group by item_id) a
           on a.item_id = i.id
        where i.project_id = ${projectId}
          and (i.submitted_count <> coalesce(a.n, 0) or (i.status = 'done') <> (i.submitted_count >= ${overlap}))) as "counterMismatches",
      (select count(*)::int from annotations where project_id = ${projectId} and idempotency_key like 'bench-verbs-%') as "verbAnnotations",
      (select count(*)::int from annotations where project_id = ${projectId} and idempotency_key like 'bench-sql-%') as "baselineAnnotations"`;
  const c = row as unknown as Record<string, number>;
  const checks = {
    itemsOverOverlap: c.itemsOverOverlap!,
    itemsOverAssigned: c.itemsOverAssigned!,
    sameReviewerTwice: c.sameReviewerTwice!,
    counterMismatches: c.counterMismatches!,
    verbAnnotations: { inDatabase: c.verbAnnotations!, completedPairs: completed(verbRuns) },
    baselineAnnotations: { inDatabase: c.baselineAnnotations!, completedPairs: completed(baselineRuns) },
  };
  const ok =
    checks.itemsOverOverlap === 0 &&
    checks.itemsOverAssigned === 0 &&
    checks.sameReviewerTwice === 0 &&
    checks.counterMismatches === 0 &&
    checks.verbAnnotations.inDatabase === checks.verbAnnotations.completedPairs &&
    checks.baselineAnnotations.inDatabase === checks.baselineAnnotations.completedPairs;
  return { ...checks, ok };
}

function report(name: string, p: PhaseResult) {
  const l = p.latencyMs;
  log(
    `  ${name}: ${p.pairsPerSecond} pairs/s; p50/p95/p99 ms: claim ${l.claim.p50}/${l.claim.p95}/${l.claim.p99}, ` +
      `submit ${l.submit.p50}/${l.submit.p95}/${l.submit.p99}, pair ${l.pair.p50}/${l.pair.p95}/${l.pair.p99}` +
      `; CPU ms per pair: Node ${p.cpuMsPerPair.node}, PostgreSQL ${p.cpuMsPerPair.postgres ?? "n/a"}` +
      (Object.keys(p.errors).length ? `; errors: ${JSON.stringify(p.errors)}` : ""),
  );
}

/** With a DATABASE_URL we did not create, leave it as we found it. */
async function removeProject(sql: postgres.Sql, fixture: Fixture) {
  log("Removing the bench project and users from DATABASE_URL…");
  await sql`delete from projects where id = ${fixture.projectId}`;
  const ids = [fixture.manager, ...fixture.reviewers].map((r) => r.actor.userId);
  await sql`delete from users where id = any(${ids}::uuid[])`;
}

function positive(name: keyof typeof flags): number {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number`);
  return n;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
