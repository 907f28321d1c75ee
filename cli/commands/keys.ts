import type { Command } from "commander";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { findActiveUser } from "~/modules/users/queries.server";
import { note, out, withDatabase } from "../run";

export function registerKeyCommands(program: Command) {
  const group = program.command("keys").description("manage API keys");

  group
    .command("create")
    .description("create an API key for a user; prints the key alone on stdout, once")
    .requiredOption("--user <email>", "the key's owner; the key acts with their rights")
    .requiredOption("--name <name>", 'what the key is for, e.g. "nightly import"')
    .addHelpText("after", `\nExample:\n  LOUPE_API_KEY=$(loupe keys create --user ada@example.com --name "nightly import")`)
    .action((options: { user: string; name: string }) =>
      withDatabase({ fields: { name: "--name" } }, async ({ db }) => {
        const user = await findActiveUser(db, options.user);
        const created = await createApiKey(db, { userId: user.id, isAdmin: user.isAdmin, via: "cli" }, { name: options.name });
        out(created.key);
        note(`Created the API key "${created.name}" (${created.prefix}…) for ${user.email}. Store it now: it will not be shown again.`);
      }),
    );
}
