import { ValidationError } from "~/utils/errors";
import { NUL_MESSAGE, nulIssue } from "~/utils/nul";
import { CliError } from "./run";

const EXAMPLE = `printf '%s\\n' "$PASSWORD" | loupe users create --email … --name … --password-stdin`;

/**
 * The password comes from a pipe, never from an argument (which would land in the shell history
 * and the process list) and never from an interactive prompt (scripts are the audience).
 */
export async function readPasswordFromStdin(enabled: boolean | undefined): Promise<string> {
  if (!enabled) throw new CliError(`Give the password on stdin with --password-stdin, e.g.\n  ${EXAMPLE}`);
  if (process.stdin.isTTY) {
    throw new CliError(`--password-stdin reads the password from a pipe, not from the terminal; pipe it in, e.g.\n  ${EXAMPLE}`);
  }
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  const password = text.replace(/\r?\n$/, "");
  if (password.includes("\u0000")) throw new ValidationError(`password (stdin): ${NUL_MESSAGE}`, [nulIssue("password (stdin)")]);
  return password;
}
