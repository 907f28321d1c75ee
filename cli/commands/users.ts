import type { Command } from "commander";
import { createPasswordReset, RESET_LINK_HOURS } from "~/modules/auth/create-password-reset.server";
import { setPassword } from "~/modules/auth/set-password.server";
import { createUser } from "~/modules/users/create-user.server";
import { activeAdmins, findUserByEmail } from "~/modules/users/queries.server";
import { setCanCreateProjects } from "~/modules/users/set-can-create-projects.server";
import { env } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";
import { CliError, note, out, withDatabase } from "../run";
import { readPasswordFromStdin } from "../stdin";

type CreateOptions = { email: string; name: string; admin: boolean; mayCreateProjects: boolean; passwordStdin?: boolean };
type UpdateOptions = { email: string; mayCreateProjects?: boolean };

export function registerUserCommands(program: Command) {
  const group = program.command("users").description("manage accounts");

  group
    .command("create")
    .description("create an account, reading its password from stdin; prints its id and email")
    .requiredOption("--email <email>", "email address, used to sign in")
    .requiredOption("--name <name>", "name shown to others")
    .option("--admin", "make the account an instance admin", false)
    .option("--may-create-projects", "let the account create projects (admins always may)", false)
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
          const user = await createUser(db, null, {
            email: options.email,
            name: options.name,
            password,
            isAdmin: options.admin,
            canCreateProjects: options.mayCreateProjects,
          });
          out(`${user.id} ${user.email}`);
          if (!user.isAdmin && (await activeAdmins(db, 1)).length === 0) {
            note("hint: this instance has no admin yet; create one with `loupe users create --admin …`.");
          }
        },
      );
    });

  group
    .command("update")
    .description("change what an account may do")
    .requiredOption("--email <email>", "the account to change")
    .option("--may-create-projects", "let the account create projects")
    .option("--no-may-create-projects", "stop the account from creating projects")
    .addHelpText("after", "\nExample:\n  loupe users update --email ada@example.com --may-create-projects")
    .action((options: UpdateOptions) =>
      withDatabase({ fields: { email: "--email" } }, async ({ db }) => {
        if (options.mayCreateProjects === undefined) throw new CliError("Say what to change, e.g. --may-create-projects or --no-may-create-projects.");
        const user = await findUserByEmail(db, options.email);
        if (!user) throw new NotFoundError(`No user has the email ${options.email}.`);
        // why: null actor = the operator of this machine, like `users create`.
        await setCanCreateProjects(db, null, { userId: user.id, allowed: options.mayCreateProjects });
        note(options.mayCreateProjects ? `${user.email} may now create projects.` : `${user.email} can no longer create projects.`);
      }),
    );

  group
    .command("reset-password")
    .description("print a one-time link that lets the account set a new password, or set it from stdin")
    .requiredOption("--email <email>", "the account whose password to reset")
    .option("--password-stdin", "set this password (read from stdin) instead of printing a link; ends every session of the account")
    .addHelpText(
      "after",
      `\nThe link works once, for ${RESET_LINK_HOURS} hours; it starts with LOUPE_PUBLIC_URL when that is set.\n` +
        "\nExamples:\n  loupe users reset-password --email ada@example.com\n" +
        `  printf '%s\\n' "$PASSWORD" | loupe users reset-password --email ada@example.com --password-stdin`,
    )
    .action(async (options: { email: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? await readPasswordFromStdin(true) : undefined;
      await withDatabase({ fields: { email: "--email", password: "password (stdin)", "(body)": "password (stdin)" } }, async ({ db }) => {
        const user = await findUserByEmail(db, options.email);
        if (!user) throw new NotFoundError(`No user has the email ${options.email}.`);
        if (password !== undefined) {
          // why: null actor = the operator of this machine, like `users create`.
          await setPassword(db, null, { userId: user.id, password });
          note(`Set a new password for ${user.email}; their sessions have ended.`);
          return;
        }
        const reset = await createPasswordReset(db, null, { userId: user.id });
        const { publicUrl, host, port } = env();
        out(`${publicUrl ?? `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`}${reset.path}`);
        note(`The link sets a new password for ${user.email} once, until ${reset.expiresAt.toISOString()}.`);
        if (!publicUrl) note("hint: set LOUPE_PUBLIC_URL to the address people reach Loupe at, so the link starts with it.");
      });
    });
}
