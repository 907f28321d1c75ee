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
  return readSecretFromStdin({ flag: "--password-stdin", what: "password", example: EXAMPLE });
}

/** A secret piped to stdin for the option `flag`, without its trailing newline; refused from a terminal. */
export async function readSecretFromStdin({ flag, what, example }: { flag: string; what: string; example: string }): Promise<string> {
  if (process.stdin.isTTY) {
    throw new CliError(`${flag} reads the ${what} from a pipe, not from the terminal; pipe it in, e.g.\n  ${example}`);
  }
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  const password = text.replace(/\r?\n$/, "");
  if (password.includes("\u0000")) throw new ValidationError(`password (stdin): ${NUL_MESSAGE}`, [nulIssue("password (stdin)")]);
  return password;
}
