import type { Command } from "commander";
import { createProject } from "~/modules/projects/create-project.server";
import { findActiveUser } from "~/modules/users/queries.server";
import { note, onlyAdmin, out, withDatabase } from "../run";

type CreateOptions = { name: string; description?: string; manager?: string };

export function registerProjectCommands(program: Command) {
  const group = program.command("projects").description("manage projects");

  group
    .command("create")
    .description("create a project; prints its id")
    .requiredOption("--name <name>", "project name, unique among the projects its manager created")
    .option("--description <text>", "what the project is about")
    .option("--manager <email>", "the user who manages it (default: the instance's admin, if there is exactly one)")
    .action((options: CreateOptions) =>
      withDatabase({ fields: { name: "--name", description: "--description" } }, async ({ db }) => {
        const manager = options.manager ? await findActiveUser(db, options.manager) : await onlyAdmin(db, "Name the project's manager with --manager <email>");
        // why: the project is created as its manager, so the audit log and `created_by` name a person.
        const actor = { userId: manager.id, isAdmin: manager.isAdmin, via: "cli" as const };
        const project = await createProject(db, actor, { name: options.name, description: options.description });
        out(project.id);
        note(`Created the project "${project.name}", managed by ${manager.email}.`);
      }),
    );
}
