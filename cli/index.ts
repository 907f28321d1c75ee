import fs from "node:fs";
import { Command } from "commander";
import { registerClassifierCommands } from "./commands/classifier";
import { registerDbCommands } from "./commands/db";
import { registerImportCommand } from "./commands/import";
import { registerDatasetCommands } from "./commands/datasets";
import { registerExportCommand } from "./commands/export";
import { registerFeedbackCommands } from "./commands/feedback";
import { registerKeyCommands } from "./commands/keys";
import { registerLlmCommands } from "./commands/llm";
import { registerProjectCommands } from "./commands/projects";
import { registerUserCommands } from "./commands/users";
import { reportError } from "./run";

const { version } = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command()
  .name("loupe")
  .description("Administer a Loupe instance from the command line.")
  .addHelpText(
    "after",
    "\nDatabase: DATABASE_URL when set; otherwise the embedded PostgreSQL in LOUPE_DATA_DIR (default .data),\n" +
      "the one `npm start` is running or, if none is, one started just for the command.",
  )
  .version(version, "-v, --version", "print the version")
  // why: set before the commands are added, which inherit it.
  .showHelpAfterError();

registerDbCommands(program);
registerUserCommands(program);
registerKeyCommands(program);
registerProjectCommands(program);
registerImportCommand(program);
registerDatasetCommands(program);
registerExportCommand(program);
registerLlmCommands(program);
registerClassifierCommands(program);
registerFeedbackCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error);
  process.exitCode = 1;
}
