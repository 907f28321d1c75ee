import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { ImportFailedError, importItems, type ImportResult } from "~/modules/imports/import-items.server";
import { fileTypes, formatRowError, MappingSyntaxError, parseMapPairs, presetNames, type FileType, type PresetName } from "~/modules/imports/schemas";
import { findProjectRef } from "~/modules/projects/queries.server";
import { findActiveUser } from "~/modules/users/queries.server";
import { importLimits } from "~/utils/env.server";
import { progressBar } from "../progress";
import { CliError, note, onlyAdmin, out, withDatabase } from "../run";

type ImportOptions = {
  project: string;
  format?: PresetName;
  fileType?: FileType;
  map: string[];
  addOutputs?: boolean;
  allOrNothing?: boolean;
  gold?: boolean;
  as?: string;
};

/** How many rejected rows the command lists; all are counted, the first 1,000 are on the project page. */
const LISTED_ERRORS = 20;

export function registerImportCommand(program: Command) {
  program
    .command("import")
    .description("import items from a JSONL, JSON or CSV file (optionally gzipped), or - for stdin")
    .argument("<file>", "the file to import, or - to read stdin")
    .requiredOption("--project <id|name>", "the project to import into")
    .option("--format <preset>", `the rows' shape: ${presetNames.join(", ")} (default: Loupe's own item shape)`)
    .option("--file-type <type>", `${fileTypes.join(", ")} (default: what the content looks like)`)
    .option("--map <field=path>", "map a field: input, output (path, path@model, path@{model_field}), reference, externalId, label; repeatable", collect, [])
    .option("--add-outputs", "add the rows' outputs to the items they match (by externalId, else exact input)")
    .option("--all-or-nothing", "import nothing if any row is bad")
    .option("--gold", "labels (or HH preferences) become gold answers instead of suggestions")
    .option("--as <email>", "the user the import acts as (default: the instance's admin, if there is exactly one)")
    .addHelpText(
      "after",
      "\nExit status: 0 when every row went in (or was already there), 2 when some rows were rejected, 1 on failure.\n" +
        "\nExamples:\n  loupe import --project \"Support answers\" outputs.jsonl\n" +
        "  loupe import --project evals --format alpaca-eval model_b.json --add-outputs\n" +
        "  loupe import --project intents --format classification-csv test.csv --map label=category",
    )
    .action((file: string, options: ImportOptions) =>
      withDatabase({ fields: { format: "--format", fileType: "--file-type", mode: "--add-outputs", policy: "--all-or-nothing" } }, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const user = options.as ? await findActiveUser(db, options.as) : await onlyAdmin(db, "Name the user to import as with --as <email>");
        const totalBytes = file === "-" ? undefined : statFile(file);
        const bar = progressBar(totalBytes);
        const controller = new AbortController();
        const stop = () => controller.abort(new DOMException("Interrupted (Ctrl+C).", "AbortError"));
        process.once("SIGINT", stop).once("SIGTERM", stop);
        let result: ImportResult;
        try {
          result = await importItems(db, { userId: user.id, isAdmin: user.isAdmin, via: "cli" }, {
            projectId: project.id,
            input: file === "-" ? { stream: process.stdin } : { open: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }) },
            format: options.format,
            fileType: options.fileType,
            mapping: mapping(options.map),
            mode: options.addOutputs ? "add-outputs" : "new-items",
            policy: options.allOrNothing ? "all-or-nothing" : "keep-good-rows",
            gold: options.gold ?? false,
            origin: "cli",
            limits: importLimits(),
            track: { fileName: file === "-" ? "stdin" : path.basename(file), totalBytes },
            signal: controller.signal,
            onProgress: (p) => bar.update(p),
          });
        } catch (error) {
          if (error instanceof ImportFailedError) bar.done(error.summary);
          if (error instanceof ImportFailedError && error.summary.received > 0) report(error.summary);
          throw error;
        } finally {
          process.off("SIGINT", stop).off("SIGTERM", stop);
        }
        bar.done(result);
        report(result);
        note(`Imported into "${project.name}" as ${user.email}.`);
        if (result.rejected > 0) process.exitCode = 2;
      }),
    );
}

function report(result: ImportResult) {
  const { received, inserted, matched, duplicates, unmatched, outputsAdded, rejected } = result;
  out(`received ${received}, inserted ${inserted}, matched ${matched}, duplicates ${duplicates}, unmatched ${unmatched}, outputs added ${outputsAdded}, rejected ${rejected}`);
  for (const error of result.errors.slice(0, LISTED_ERRORS)) note(formatRowError(error));
  if (rejected > LISTED_ERRORS) note(`… and ${rejected - LISTED_ERRORS} more rejected rows (the first 1,000 are on the project page, as CSV).`);
}

function statFile(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    throw new CliError(`Cannot read ${file}: no such file.`);
  }
}

function mapping(pairs: string[]) {
  try {
    return parseMapPairs(pairs);
  } catch (error) {
    if (error instanceof MappingSyntaxError) throw new CliError(`--map ${error.message}`);
    throw error;
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];
