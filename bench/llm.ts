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
import OpenAI from "openai";
import { connect, connectDatabase } from "~/db.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { runLlmRun } from "~/modules/llm-runs/run-llm-run.server";
import { createProject } from "~/modules/projects/create-project.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { createUser } from "~/modules/users/create-user.server";
import { loadEnv } from "~/utils/env.server";
import { startLlmStub } from "../scripts/llm-stub/server";
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
  },
});
loadEnv({ ...process.env, SESSION_SECRET: SECRET, LOUPE_LLM_ALLOW_PRIVATE: "true" });

if (flags.child) {
  // The process the bench kills: it works on the run until SIGKILL.
  const { db } = connect(flags.url!, { max: 4 });
  await runLlmRun(db, flags.child);
  process.exit(0);
}

const options = { items: Number(flags.items), delayMs: Number(flags["delay-ms"]), concurrency: Number(flags.concurrency), killItems: Number(flags["kill-items"]) };
const log = (line: string) => process.stderr.write(`${line}\n`);
const bench = await openBenchDatabase(log);
const { db, sql } = connect(bench.url, { max: 10 });
connectDatabase(bench.url);
const stub = await startLlmStub({ delayMs: options.delayMs });
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

try {
  const admin = await createUser(db, null, { email: `bench-${randomUUID().slice(0, 8)}@example.com`, name: "Bench", password: "bench password long enough", isAdmin: true, canCreateProjects: true });
  const actor = { userId: admin.id, isAdmin: true, via: "cli" as const };
  const project = await createProject(db, actor, { name: `LLM bench ${randomUUID().slice(0, 8)}` });
  const provider = await createProvider(db, actor, {
    name: `Bench stub ${randomUUID().slice(0, 8)}`,
    baseUrl: stub.url,
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

  const bare = async (calls = options.items) => {
    stub.reset();
    const client = new OpenAI({ baseURL: stub.url, apiKey: "no-key", maxRetries: 0, logLevel: "off" });
    let next = 0;
    const cpu = processCpuMs();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < calls) {
          const i = ++next;
          await client.chat.completions.create({ model: "loupe-stub-small", max_tokens: 40, messages: [{ role: "system", content: "Answer briefly." }, { role: "user", content: `Question ${i} of the benchmark?` }] });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { seconds: round(seconds), perSecond: round(calls / seconds), nodeCpuMsPerCall: round((processCpuMs() - cpu) / calls, 3), peakRssMb: peakRssMb() };
  };

  // why: the first calls pay for compiling the client's and the stub's code; neither phase should.
  await bare(Math.min(1000, options.items));
  log(`Bare loop: ${options.items} calls at concurrency ${options.concurrency}, the stub answering after ${options.delayMs} ms…`);
  const bareBefore = await bare();
  log(`  ${bareBefore.perSecond} calls/s`);

  log("The job's runner on the same items…");
  stub.reset();
  const run = await createLlmRun(db, actor, project.id, { kind: "generate", providerId: provider.id, model: "loupe-stub-small", promptVersionId: prompt.id, filter: { type: "metadata", field: "batch", value: "throughput" } });
  const cpu = processCpuMs();
  const started = performance.now();
  const outcome = await runLlmRun(db, run.id);
  const seconds = (performance.now() - started) / 1000;
  const calls = stub.requests.filter((r) => r.path === "/v1/chat/completions").length;
  const job = { seconds: round(seconds), perSecond: round(options.items / seconds), nodeCpuMsPerCall: round((processCpuMs() - cpu) / calls, 3), peakRssMb: peakRssMb(), state: outcome.state, calls };
  log(`  ${job.perSecond} items/s (${outcome.state})`);

  log("Bare loop again…");
  const bareAfter = await bare();
  log(`  ${bareAfter.perSecond} calls/s`);

  log(`Kill -9 half-way through a run of ${options.killItems} items in a child process, then resume here…`);
  stub.reset();
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
  const kill = { items: check!.items, doneAtKill: atKill!.done, claimedAtKill: atKill!.running, calls: stub.requests.filter((r) => r.path === "/v1/chat/completions").length, resumedState: resumed.state, exactlyOneOutput: check!.one, ledgerRows: check!.ledger };
  log(`  ${kill.exactlyOneOutput} of ${kill.items} items with exactly one output; ${kill.calls} calls`);

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
    `${options.items.toLocaleString("en")} items, the stub answering every call after ${options.delayMs} ms, concurrency ${options.concurrency}; ${bench.where}; ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}, commit ${results.machine.commit}. The stub runs in the bench's process (its CPU and memory count in both phases).`,
    "",
    markdownTable(
      ["phase", "seconds", "calls/s", "Node CPU ms per call", "peak RSS MB (process so far)"],
      [
        ["bare loop of the same openai calls (before)", bareBefore.seconds, bareBefore.perSecond, bareBefore.nodeCpuMsPerCall, bareBefore.peakRssMb],
        [`job runner (runLlmRun, ${job.state})`, job.seconds, job.perSecond, job.nodeCpuMsPerCall, job.peakRssMb],
        ["bare loop (after)", bareAfter.seconds, bareAfter.perSecond, bareAfter.nodeCpuMsPerCall, bareAfter.peakRssMb],
      ],
    ),
    "",
    `Throughput: the job at **${ratio}×** the faster bare loop — target ≥ 0.8× ${ratio >= 0.8 ? "met" : "**missed**"}. Peak RSS ${job.peakRssMb} MB — target < 300 MB ${job.peakRssMb < 300 ? "met" : "**missed**"}.`,
    "",
    `Kill -9: a child process worked on a ${kill.items.toLocaleString("en")}-item run and was killed with ${kill.doneAtKill.toLocaleString("en")} items done and ${kill.claimedAtKill} claimed; resumed here, the run ended ${kill.resumedState} with ${kill.exactlyOneOutput.toLocaleString("en")} of ${kill.items.toLocaleString("en")} items holding exactly one output of the prompt (${kill.ledgerRows.toLocaleString("en")} ledger rows) after ${kill.calls.toLocaleString("en")} calls (the calls in flight at the kill are asked again) — ${results.targets.kill.met ? "met" : "**missed**"}.`,
  ].join("\n");
  for (const file of writeResults("llm", results, markdown)) log(`Wrote ${file}`);
  process.stdout.write(`${markdown}\n`);
} finally {
  await stub.close();
  await sql.end({ timeout: 5 });
  await bench.close({ keep: flags.keep ?? false });
}

function round(n: number, digits = 1) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
