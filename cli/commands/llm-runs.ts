import type { Command } from "commander";
import { and, desc, eq, sql } from "drizzle-orm";
import { promptVersions } from "~db/schema";
import type { Database } from "~/db.server";
import { formatUsd } from "~/modules/llm/cost";
import { listProviderChoices } from "~/modules/llm/queries.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { getLlmRunStatus } from "~/modules/llm-runs/queries.server";
import { runLlmRun } from "~/modules/llm-runs/run-llm-run.server";
import { filterFromText, type ItemFilter } from "~/modules/llm-runs/schemas";
import { findProjectRef } from "~/modules/projects/queries.server";
import { itemsProgress } from "../progress";
import { CliError, note, out, withDatabase } from "../run";
import { actAs } from "./datasets";

/** Exit code when the run ended but some items failed (their errors are listed). */
export const EXIT_ITEMS_FAILED = 2;

type RunOptions = { project: string; provider: string; model: string; prompt: string; filter: string; budget?: string; timeout?: string; as?: string };

const FIELDS = { providerId: "--provider", model: "--model", promptVersionId: "--prompt", filter: "--filter", budgetUsd: "--budget", timeoutSeconds: "--timeout" };

/** `loupe llm generate` and `loupe llm judge`: start a run and work on it here, with a progress line. */
export function registerLlmRunCommands(llm: Command) {
  for (const kind of ["generate", "judge"] as const) {
    llm
      .command(kind)
      .description(
        kind === "generate"
          ? "ask a model for a new output of each chosen item, here, with a progress line; prints the run id"
          : "let a model answer a judge prompt's questions for each chosen item, stored as suggestions; prints the run id",
      )
      .requiredOption("--project <id|name>", "the project")
      .requiredOption("--provider <name>", "the provider (as an admin named it)")
      .requiredOption("--model <id>", "one of the provider's models")
      .requiredOption("--prompt <name[@version]|id>", `a ${kind === "judge" ? "judge" : "generation"} prompt of the project (default: its newest version)`)
      .option("--filter <all|unreviewed|ids:1,2,3|field=value>", "which items", "all")
      .option("--budget <usd>", "stop once the estimated spend reaches this many US dollars")
      .option("--timeout <seconds>", "per request (default 60)")
      .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
      .addHelpText("after", `\nExit codes: 0 every item done, ${EXIT_ITEMS_FAILED} some items failed (listed on stderr), 1 the run could not start or was stopped.`)
      .action((options: RunOptions) =>
        withDatabase({ fields: FIELDS, secrets: true }, async ({ db }) => {
          const project = await findProjectRef(db, options.project);
          if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
          const actor = await actAs(db, options.as);
          const provider = (await listProviderChoices(db)).find((p) => p.name.toLowerCase() === options.provider.trim().toLowerCase());
          if (!provider) throw new CliError(`No enabled LLM provider is named "${options.provider}".`);
          const run = await createLlmRun(db, actor, project.id, {
            kind,
            providerId: provider.id,
            model: options.model,
            promptVersionId: await promptRef(db, project.id, options.prompt),
            filter: parseFilter(options.filter),
            budgetUsd: options.budget === undefined ? undefined : Number(options.budget),
            ...(options.timeout === undefined ? {} : { timeoutSeconds: Number(options.timeout) }),
          });
          note(`${kind === "generate" ? "Generating" : "Judging"} ${run.total.toLocaleString("en")} item(s) of "${project.name}" with ${options.model} (run ${run.id}):`);
          await workHere(db, run.id, kind === "generate" ? "Generating" : "Judging");
          out(run.id);
          const status = await getLlmRunStatus(db, actor, run.id, { limit: 20 });
          const { done, failed, total } = status.counts;
          note(`${done.toLocaleString("en")} done, ${failed.toLocaleString("en")} failed of ${total.toLocaleString("en")}; tokens ${status.tokens.input.toLocaleString("en")} in, ${status.tokens.output.toLocaleString("en")} out; spend ${formatUsd(status.costUsd)}${status.costComplete ? "" : " (some prices unknown)"}.`);
          for (const f of status.failures) note(`  item ${f.itemId}: ${f.error}`);
          if (status.nextFailuresAfter !== null) note(`  … more: GET /api/v1/llm-runs/${run.id}?failuresAfter=${status.nextFailuresAfter}`);
          if (status.state !== "done") throw new CliError(`The run ${status.state === "cancelled" ? "was cancelled" : `stopped: ${status.message ?? status.state}`}.`);
          if (failed > 0) process.exitCode = EXIT_ITEMS_FAILED;
        }),
      );
  }
}

/** Works on the run in this process until it ends; Ctrl+C leaves the rest to a server (its sweep carries the run on). */
async function workHere(db: Database, runId: string, what: string) {
  const bar = itemsProgress(what);
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException("Interrupted (Ctrl+C).", "AbortError"));
  process.once("SIGINT", stop).once("SIGTERM", stop);
  let last = { done: 0, total: null as number | null };
  try {
    await runLlmRun(db, runId, { signal: controller.signal, onProgress: (t) => bar.update((last = { done: t.done + t.failed, total: t.total }).done, t.total) });
    if (controller.signal.aborted) throw new CliError("Interrupted: the run stays queued; a Loupe server carries it on.");
  } finally {
    bar.done(last.done, last.total);
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
}

/** `all`, `unreviewed`, `ids:1,2,3` or `field=value` (a metadata field; dots go deeper). */
export function parseFilter(text: string): ItemFilter {
  const t = text.trim();
  const [type, rest] = t === "all" || t === "unreviewed" ? [t, ""] : t.startsWith("ids:") ? ["ids", t.slice(4)] : t.indexOf("=") > 0 ? ["metadata", t] : ["", ""];
  const filter = filterFromText(type, rest);
  if ("issue" in filter) throw new CliError(type ? `--filter ${text}: ${filter.issue}` : `--filter ${text}: use all, unreviewed, ids:1,2,3 or field=value.`);
  return filter;
}

async function promptRef(db: Database, projectId: string, ref: string): Promise<string> {
  if (/^[0-9a-f-]{36}$/i.test(ref)) return ref;
  const [, name = ref, version] = /^(.*?)(?:@(\d+))?$/.exec(ref.trim()) ?? [];
  const [row] = await db
    .select({ id: promptVersions.id })
    .from(promptVersions)
    .where(and(eq(promptVersions.projectId, projectId), sql`lower(${promptVersions.name}) = lower(${name})`, version ? eq(promptVersions.version, Number(version)) : undefined))
    .orderBy(desc(promptVersions.version))
    .limit(1);
  if (!row) throw new CliError(`The project has no prompt "${ref}".`);
  return row.id;
}
