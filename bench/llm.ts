/**
 * npm run bench:llm [-- --items 20000 --delay-ms 50 --concurrency 32 --kill-items 2000 --keep]
 *
 * A generation run of --items items through the runner the job runs (claims, the provider's
 * concurrency limit, one transaction per answer: the output appended under the item's lock, the
 * ledger row, the item's and the run's counts), against the stub answering every call after
 * --delay-ms, beside a bare loop of the same `openai` calls at the same concurrency against the
 * same stub, in the same run, without any database (before and after the job). Reports items/s,
 * the ratio (target ≥ 0.8), Node CPU per call and peak RSS (target < 300 MB). Then a second run of
 * --kill-items is worked on by a child process that is killed with SIGKILL half-way and resumed
 * here: it must end with exactly one output per item. A warm-up of 1,000 bare calls comes first. Results: bench/results/llm-*.{json,md}.
 * Database: as the other benches (DATABASE_URL, else TEST_DATABASE_URL's server, else embedded).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { connect, connectDatabase } from "~/db.server";
import { openAiClientFor } from "~/modules/llm/client.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import type { LlmProvider } from "~/modules/llm/provider-secrets.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { runLlmRun } from "~/modules/llm-runs/run-llm-run.server";
import { createProject } from "~/modules/projects/create-project.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { createUser } from "~/modules/users/create-user.server";
import { loadEnv } from "~/utils/env.server";
import { processCpuMs } from "./lib/cpu";
import { openBenchDatabase } from "./lib/database";
import { machineInfo, markdownTable, writeResults } from "./lib/results";

const SECRET = "the LLM benchmark's session secret, long enough";
const { values: flags } = parseArgs({
  options: {
    items: { type: "string", default: "20000" },
    "delay-ms": { type: "string", default: "50" },
    concurrency: { type: "string", default: "32" },
    "kill-items": { type: "string", default: "2000" },
    keep: { type: "boolean", default: false },
    child: { type: "string" },
    url: { type: "string" },
    bare: { type: "string" },
  },
});
loadEnv({ ...process.env, SESSION_SECRET: SECRET, LOUPE_LLM_ALLOW_PRIVATE: "true" });

if (flags.child) {
  // The process the bench kills: it works on the run until SIGKILL.
  const { db } = connect(flags.url!, { max: 4 });
  await runLlmRun(db, flags.child);
  process.exit(0);
}
if (flags.bare) {
  // The baseline, in a process of its own (its memory and CPU are its own): the same client the
  // runner builds (openAiClientFor: the guarded fetch, no retries), the same calls, no database.
  const client = openAiClientFor({ id: randomUUID(), name: "bench", baseUrl: flags.url!, apiKeySealed: null, apiKeyEnv: null, headers: [] } as unknown as LlmProvider);
  const loop = async (calls: number) => {
    let next = 0;
    const cpu = processCpuMs();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Number(flags.concurrency) }, async () => {
        while (next < calls) {
          const i = ++next;
          await client.chat.completions.create({ model: "loupe-stub-small", max_tokens: 40, messages: [{ role: "system", content: "Answer briefly." }, { role: "user", content: `Question ${i} of the benchmark?` }] });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { seconds: round(seconds), perSecond: round(calls / seconds), nodeCpuMsPerCall: round((processCpuMs() - cpu) / calls, 3) };
  };
  // why: the first calls pay for compiling the client's code; the measured ones should not.
  await loop(Math.min(1000, Number(flags.bare)));
  const measured = await loop(Number(flags.bare));
  process.stdout.write(`${JSON.stringify({ ...measured, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  process.exit(0);
}

const options = { items: Number(flags.items), delayMs: Number(flags["delay-ms"]), concurrency: Number(flags.concurrency), killItems: Number(flags["kill-items"]) };
const log = (line: string) => process.stderr.write(`${line}\n`);
const bench = await openBenchDatabase(log);
const { db, sql } = connect(bench.url, { max: 10 });
connectDatabase(bench.url);
// why: the stub runs in a process of its own, so its CPU and memory count in neither phase.
const stubProcess = spawn(process.execPath, ["--import", "tsx", "scripts/llm-stub.ts", "--port", "0", "--delay-ms", String(options.delayMs)], { stdio: ["ignore", "pipe", "inherit"] });
const stubUrl = await new Promise<string>((resolve, reject) => {
  let out = "";
  stubProcess.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    const url = /listening at (\S+)/.exec(out)?.[1];
    if (url) resolve(url);
  });
  stubProcess.once("exit", () => reject(new Error(`The stub exited: ${out}`)));
});
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

try {
  const admin = await createUser(db, null, { email: `bench-${randomUUID().slice(0, 8)}@example.com`, name: "Bench", password: "bench password long enough", isAdmin: true, canCreateProjects: true });
  const actor = { userId: admin.id, isAdmin: true, via: "cli" as const };
  const project = await createProject(db, actor, { name: `LLM bench ${randomUUID().slice(0, 8)}` });
  const provider = await createProvider(db, actor, {
    name: `Bench stub ${randomUUID().slice(0, 8)}`,
    baseUrl: stubUrl,
    apiKey: { source: "none" },
    maxConcurrency: options.concurrency,
    models: [{ id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 }],
  });
  const prompt = await savePromptVersion(db, actor, project.id, { name: "Answer", purpose: "generate", system: "Answer briefly.", user: "{{input}}", params: { maxTokens: 40 } });
  const addItems = async (n: number, tag: string) => {
    await sql`
      insert into items (project_id, input_key, outputs_key, input, outputs, metadata)
      select ${project.id}, gen_random_uuid(), gen_random_uuid(), jsonb_build_object('type', 'text', 'text', 'Question ' || g || ' of the benchmark?'), '[]', jsonb_build_object('batch', ${tag}::text)
      from generate_series(1, ${n}) g`;
    await sql`analyze items`;
  };
  await addItems(options.items, "throughput");
  await addItems(options.killItems, "kill");

  const bare = async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/llm.ts", "--bare", String(options.items), "--url", stubUrl, "--concurrency", String(options.concurrency)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.once("exit", resolve));
    return JSON.parse(out.trim().split("\n").at(-1)!) as { seconds: number; perSecond: number; nodeCpuMsPerCall: number; peakRssMb: number };
  };

  log(`Bare loop: ${options.items} calls at concurrency ${options.concurrency}, the stub answering after ${options.delayMs} ms…`);
  const bareBefore = await bare();
  log(`  ${bareBefore.perSecond} calls/s`);

  log("The job's runner on the same items…");
  const run = await createLlmRun(db, actor, project.id, { kind: "generate", providerId: provider.id, model: "loupe-stub-small", promptVersionId: prompt.id, filter: { type: "metadata", field: "batch", value: "throughput" } });
  const cpu = processCpuMs();
  const started = performance.now();
  const outcome = await runLlmRun(db, run.id);
  const seconds = (performance.now() - started) / 1000;
  const [{ calls }] = (await sql<{ calls: number }[]>`select sum(attempts)::int as calls from llm_run_items where run_id = ${run.id}`) as unknown as [{ calls: number }];
  const job = { seconds: round(seconds), perSecond: round(options.items / seconds), nodeCpuMsPerCall: round((processCpuMs() - cpu) / calls, 3), peakRssMb: peakRssMb(), state: outcome.state, calls };
  log(`  ${job.perSecond} items/s (${outcome.state})`);

  log("Bare loop again…");
  const bareAfter = await bare();
  log(`  ${bareAfter.perSecond} calls/s`);

  log(`Kill -9 half-way through a run of ${options.killItems} items in a child process, then resume here…`);
  const killRun = await createLlmRun(db, actor, project.id, { kind: "generate", providerId: provider.id, model: "loupe-stub-small", promptVersionId: prompt.id, filter: { type: "metadata", field: "batch", value: "kill" } });
  const child = spawn(process.execPath, ["--import", "tsx", "bench/llm.ts", "--child", killRun.id, "--url", bench.url], { stdio: "inherit" });
  for (;;) {
    const [row] = await sql<{ done: number }[]>`select done from llm_runs where id = ${killRun.id}`;
    if (row!.done >= options.killItems / 2) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  const [atKill] = await sql<{ done: number; running: number }[]>`
    select (select done from llm_runs where id = ${killRun.id}) as done, count(*) filter (where state = 'running')::int as running from llm_run_items where run_id = ${killRun.id}`;
  const resumed = await runLlmRun(db, killRun.id);
  const [check] = await sql<{ items: number; one: number; ledger: number }[]>`
    select count(*)::int as items,
      count(*) filter (where (select count(*) from jsonb_array_elements(i.outputs) o where o->'promptVersion'->>'id' = ${prompt.id}) = 1)::int as one,
      (select count(*)::int from llm_outputs o where o.run_id = ${killRun.id}) as ledger
    from items i where i.project_id = ${project.id} and i.metadata->>'batch' = 'kill'`;
  const kill = { items: check!.items, doneAtKill: atKill!.done, claimedAtKill: atKill!.running, resumedState: resumed.state, exactlyOneOutput: check!.one, ledgerRows: check!.ledger };
  log(`  ${kill.exactlyOneOutput} of ${kill.items} items with exactly one output`);

  const baseline = Math.max(bareBefore.perSecond, bareAfter.perSecond);
  const ratio = round(job.perSecond / baseline, 2);
  const results = {
    date: new Date().toISOString(),
    options,
    machine: machineInfo(),
    database: bench.where,
    bareBefore,
    job,
    bareAfter,
    ratio,
    targets: { ratio: { target: 0.8, met: ratio >= 0.8 }, peakRssMb: { target: 300, value: job.peakRssMb, met: job.peakRssMb < 300 }, kill: { met: kill.exactlyOneOutput === kill.items && kill.ledgerRows === kill.items } },
    kill,
  };
  const markdown = [
    `## LLM run benchmark, ${results.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `${options.items.toLocaleString("en")} items, the stub answering every call after ${options.delayMs} ms, concurrency ${options.concurrency}; ${bench.where}; ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}, commit ${results.machine.commit}. The stub and each bare loop run in processes of their own; the bare loop uses the client the runner builds (openAiClientFor), after 1,000 warm-up calls; the job's peak RSS is the bench process's (setup included).`,
    "",
    markdownTable(
      ["phase", "seconds", "calls/s", "Node CPU ms per call", "peak RSS MB"],
      [
        ["bare loop of the same openai calls (before)", bareBefore.seconds, bareBefore.perSecond, bareBefore.nodeCpuMsPerCall, bareBefore.peakRssMb],
        [`job runner (runLlmRun, ${job.state})`, job.seconds, job.perSecond, job.nodeCpuMsPerCall, job.peakRssMb],
        ["bare loop (after)", bareAfter.seconds, bareAfter.perSecond, bareAfter.nodeCpuMsPerCall, bareAfter.peakRssMb],
      ],
    ),
    "",
    `Throughput: the job at **${ratio}×** the faster bare loop — target ≥ 0.8× ${ratio >= 0.8 ? "met" : "**missed**"}. Peak RSS ${job.peakRssMb} MB — target < 300 MB ${job.peakRssMb < 300 ? "met" : "**missed**"}.`,
    "",
    `Kill -9: a child process worked on a ${kill.items.toLocaleString("en")}-item run and was killed with ${kill.doneAtKill.toLocaleString("en")} items done and ${kill.claimedAtKill} claimed; resumed here, the run ended ${kill.resumedState} with ${kill.exactlyOneOutput.toLocaleString("en")} of ${kill.items.toLocaleString("en")} items holding exactly one output of the prompt (${kill.ledgerRows.toLocaleString("en")} ledger rows) (the ${kill.claimedAtKill} items claimed at the kill, whose calls were in flight or whose answers were not yet recorded, were asked again) — ${results.targets.kill.met ? "met" : "**missed**"}.`,
  ].join("\n");
  for (const file of writeResults("llm", results, markdown)) log(`Wrote ${file}`);
  process.stdout.write(`${markdown}\n`);
} finally {
  stubProcess.kill();
  await sql.end({ timeout: 5 });
  await bench.close({ keep: flags.keep ?? false });
}

function round(n: number, digits = 1) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
