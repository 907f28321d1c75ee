import type { Command } from "commander";
import { createUser } from "~/modules/users/create-user.server";
import { activeAdmins } from "~/modules/users/queries.server";
import { note, out, withDatabase } from "../run";
import { readPasswordFromStdin } from "../stdin";

type CreateOptions = { email: string; name: string; admin: boolean; passwordStdin?: boolean };

export function registerUserCommands(program: Command) {
  const group = program.command("users").description("manage accounts");

  group
    .command("create")
    .description("create an account, reading its password from stdin; prints its id and email")
    .requiredOption("--email <email>", "email address, used to sign in")
    .requiredOption("--name <name>", "name shown to others")
    .option("--admin", "make the account an instance admin", false)
    .option("--password-stdin", "read the password from stdin (required)")
    .addHelpText(
      "after",
      `\nExample:\n  printf '%s\\n' "$PASSWORD" | loupe users create --email ada@example.com --name "Ada Lovelace" --admin --password-stdin`,
    )
    .action(async (options: CreateOptions) => {
      const password = await readPasswordFromStdin(options.passwordStdin);
      await withDatabase(
        { fields: { email: "--email", name: "--name", password: "password (stdin)" } },
        async ({ db }) => {
          // why: null actor = the operator of this machine, who may create any account.
          const user = await createUser(db, null, { email: options.email, name: options.name, password, isAdmin: options.admin });
          out(`${user.id} ${user.email}`);
          if (!user.isAdmin && (await activeAdmins(db, 1)).length === 0) {
            note("hint: this instance has no admin yet; create one with `loupe users create --admin …`.");
          }
        },
      );
    });
}
