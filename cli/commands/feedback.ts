import fs from "node:fs";
import type { Command } from "commander";
import { importFeedback, type BatchResult } from "~/modules/feedback/ingest.server";
import { findProjectRef } from "~/modules/projects/queries.server";
import { findActiveUser } from "~/modules/users/queries.server";
import { CliError, note, onlyAdmin, out, withDatabase } from "../run";

/** How many rejected records the command lists; all are counted. */
const LISTED_ERRORS = 20;

export function registerFeedbackCommands(program: Command) {
  const feedback = program.command("feedback").description("end-user feedback");
  feedback
    .command("import")
    .description("import feedback records from an NDJSON file (optionally gzipped), or - for stdin, as the feedback API takes them")
    .argument("<file>", "one feedback record per line, or - to read stdin")
    .requiredOption("--project <id|name>", "the project the feedback is about")
    .option("--as <email>", "the manager the import acts as (default: the instance's admin, if there is exactly one)")
    .addHelpText(
      "after",
      "\nRecords with an id already in the project are counted as duplicates, so importing a file again adds nothing.\n" +
        "Exit status: 0 when every record went in (or was already there), 2 when some were rejected, 1 on failure.\n" +
        '\nExample:\n  loupe feedback import --project "Support answers" feedback.ndjson.gz',
    )
    .action((file: string, options: { project: string; as?: string }) =>
      withDatabase({}, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const user = options.as ? await findActiveUser(db, options.as) : await onlyAdmin(db, "Name the manager to import as with --as <email>");
        if (file !== "-" && !fs.existsSync(file)) throw new CliError(`Cannot read ${file}: no such file.`);
        const bytes = file === "-" ? process.stdin : fs.createReadStream(file, { highWaterMark: 256 * 1024 });
        const result = await importFeedback(db, { userId: user.id, isAdmin: user.isAdmin, via: "cli" }, project.id, bytes);
        report(result);
        note(`Imported into "${project.name}" as ${user.email}.`);
        if (result.rejected > 0) process.exitCode = 2;
      }),
    );
}

function report(result: BatchResult) {
  out(`received ${result.received}, accepted ${result.accepted}, duplicates ${result.duplicates}, rejected ${result.rejected}`);
  for (const error of result.errors.slice(0, LISTED_ERRORS)) note(`line ${error.line}${error.field ? `, ${error.field}` : ""}: ${error.message}`);
  if (result.rejected > LISTED_ERRORS) note(`… and ${result.rejected - LISTED_ERRORS} more rejected records.`);
}
