import type { Command } from "commander";
import type { Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { buildDataset, type BuiltDataset } from "~/modules/datasets/build-dataset.server";
import { getDatasetStatus } from "~/modules/datasets/queries.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { retryDataset } from "~/modules/datasets/retry-dataset.server";
import { findProjectRef } from "~/modules/projects/queries.server";
import { findActiveUser } from "~/modules/users/queries.server";
import { itemsProgress } from "../progress";
import { CliError, note, onlyAdmin, out, withDatabase } from "../run";

type CreateOptions = { project: string; name: string; filter?: string; options?: string; as?: string };
type RetryOptions = { dataset: string; as?: string };

const POLL_MS = 500;

export function registerDatasetCommands(program: Command) {
  const datasets = program.command("datasets").description("make dataset snapshots from the command line (loupe export writes them out)");
  datasets
    .command("create")
    .description("freeze a dataset snapshot and wait for it, with a progress line; prints its id")
    .requiredOption("--project <id|name>", "the project")
    .requiredOption("--name <name>", "the dataset's name (saving a name again makes its next version)")
    .option("--filter <json>", "which items, as the API's filter (default {}: every resolved item)")
    .option("--options <json>", "dedup, redactPii, split, labelQuestion, maxPerClass, textFrom, approval, preferenceFromCorrections")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .addHelpText(
      "after",
      "\nExamples:\n  loupe datasets create --project intents --name \"Intents v1\"\n" +
        `  loupe datasets create --project evals --name SFT --filter '{"ratings":[{"question":"quality","min":4}]}' --options '{"redactPii":true}'`,
    )
    .action((options: CreateOptions) =>
      withDatabase({ fields: { name: "--name" } }, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const actor = await actAs(db, options.as);
        const requested = await requestDataset(db, actor, project.id, { name: options.name, filter: json(options.filter, "--filter"), options: json(options.options, "--options") });
        note(`${requested.name} v${requested.version} (${requested.id}) of "${project.name}":`);
        const built = await buildHere(db, actor, requested.id);
        out(requested.id);
        note(summary(built));
      }),
    );
  datasets
    .command("retry")
    .description("build a failed dataset snapshot again, here, and wait for it")
    .requiredOption("--dataset <id>", "the dataset snapshot's id")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .action((options: RetryOptions) =>
      withDatabase({ fields: { datasetId: "--dataset" } }, async ({ db }) => {
        const actor = await actAs(db, options.as);
        const retried = await retryDataset(db, actor, options.dataset);
        const built = await buildHere(db, actor, retried.id);
        out(retried.id);
        note(summary(built));
      }),
    );
}

/**
 * Makes sure a dataset is built before it is used: a queued one is built here (the same build the
 * server's job runs), one another process is building is waited for, both with a progress line on
 * a terminal; a failed one is an error that says why.
 */
export async function buildHere(db: Database, actor: Actor, datasetId: string): Promise<BuiltDataset | null> {
  const bar = itemsProgress("Building");
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException("Interrupted (Ctrl+C).", "AbortError"));
  process.once("SIGINT", stop).once("SIGTERM", stop);
  let last = { done: 0, total: null as number | null };
  try {
    const outcome = await buildDataset(db, datasetId, { signal: controller.signal, onProgress: (p) => bar.update((last = p).done, p.total) });
    if ("built" in outcome) return outcome.built;
    // Queued by someone else and taken by a server meanwhile, or building elsewhere: wait for it.
    for (;;) {
      const status = await getDatasetStatus(db, actor, datasetId);
      bar.update((last = status.progress).done, status.progress.total);
      if (status.state === "ready") return null;
      if (status.state === "failed") throw new CliError(`${status.name} v${status.version} failed to build. ${status.message ?? ""}`.trim());
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    bar.done(last.done, last.total);
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
}

/** The user a command acts as: `--as <email>`, else the instance's one admin. */
export async function actAs(db: Database, email: string | undefined): Promise<Actor> {
  const user = email ? await findActiveUser(db, email) : await onlyAdmin(db, "Name the user to act as with --as <email>");
  return { userId: user.id, isAdmin: user.isAdmin, via: "cli" };
}

function json(text: string | undefined, option: string): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {}
  throw new CliError(`${option} must be a JSON object, e.g. ${option} '{}'.`);
}

const summary = (d: BuiltDataset | null) =>
  d ? `${d.name} v${d.version}: ${d.counts.items.toLocaleString("en")} items (${d.counts.train} train, ${d.counts.validation} validation, ${d.counts.test} test), ${d.counts.annotations.toLocaleString("en")} annotations; content hash ${d.contentHash}.` : "Built.";
