import fs from "node:fs";
import type { Command } from "commander";
import { listPrompts } from "~/modules/prompts/queries.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { findProjectRef } from "~/modules/projects/queries.server";
import { CliError, out, withDatabase } from "../run";
import { actAs } from "./datasets";

type AddOptions = {
  project: string;
  name: string;
  purpose: string;
  user?: string;
  userFile?: string;
  system?: string;
  question: string[];
  temperature?: string;
  maxTokens?: string;
  seed?: string;
  as?: string;
};

const FIELDS = { name: "--name", purpose: "--purpose", user: "--user", system: "--system", questions: "--question", "params.temperature": "--temperature", "params.maxTokens": "--max-tokens", "params.seed": "--seed" };

const collect = (value: string, previous: string[]) => [...previous, value];
const number = (value: string | undefined, option: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new CliError(`${option} must be a number, not "${value}".`);
  return n;
};

/** `loupe llm prompts add|list`: a project's prompt versions, as the API and the runs panel use them. */
export function registerLlmPromptCommands(llm: Command) {
  const prompts = llm.command("prompts").description("a project's prompts for generation and judge runs (each save is a new, immutable version)");

  prompts
    .command("add")
    .description("save a prompt as the next version of its name; prints its id, name and version")
    .requiredOption("--project <id|name>", "the project")
    .requiredOption("--name <name>", "the prompt's name (saving a name again makes its next version)")
    .requiredOption("--purpose <generate|judge>", "generate writes outputs; judge answers template questions")
    .option("--user <text>", "the user message: {{input}}, {{output}}, {{output_a}}, {{output_b}}, {{reference}}, {{metadata.field}}")
    .option("--user-file <path>", "read the user message from a file instead")
    .option("--system <text>", "the system prompt")
    .option("--question <key>", "a template question a judge answers (repeat for more)", collect, [])
    .option("--temperature <t>", "0–2")
    .option("--max-tokens <n>", "the longest answer")
    .option("--seed <n>", "for providers that honour it")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .addHelpText("after", `\nExample:\n  loupe llm prompts add --project Evals --name Grader --purpose judge --question quality --user 'Rate this answer to {{input}}: {{output}}'`)
    .action((options: AddOptions) => {
      if ((options.user === undefined) === (options.userFile === undefined)) throw new CliError("Give the user message one way: --user or --user-file.");
      const user = options.userFile !== undefined ? readFile(options.userFile) : options.user!;
      return withDatabase({ fields: FIELDS }, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const actor = await actAs(db, options.as);
        const saved = await savePromptVersion(db, actor, project.id, {
          name: options.name,
          purpose: options.purpose as "generate" | "judge",
          user,
          system: options.system,
          questions: options.question,
          params: {
            temperature: number(options.temperature, "--temperature"),
            maxTokens: number(options.maxTokens, "--max-tokens"),
            seed: number(options.seed, "--seed"),
          },
        });
        out(`${saved.id} ${saved.name}@${saved.version}`);
      });
    });

  prompts
    .command("list")
    .description("the newest version of each prompt of a project: name@version, purpose, questions, versions")
    .requiredOption("--project <id|name>", "the project")
    .option("--as <email>", "act as this user (default: the instance's admin, if there is exactly one)")
    .action((options: { project: string; as?: string }) =>
      withDatabase({}, async ({ db }) => {
        const project = await findProjectRef(db, options.project);
        if (!project) throw new CliError(`No project has the id or name "${options.project}".`);
        const actor = await actAs(db, options.as);
        for (const p of await listPrompts(db, actor, project.id)) {
          out(`${p.name}@${p.version}\t${p.purpose}\t${p.questions.join(",") || "-"}\t${p.versions} version(s)\t${p.id}`);
        }
      }),
    );
}

function readFile(path: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
}
