import { closeDb, db, connectDatabase, type Database, type Db } from "~/db.server";
import { activeAdmins } from "~/modules/users/queries.server";
import { EnvError, env, loadEnv } from "~/utils/env.server";
import { DomainError, ValidationError } from "~/utils/errors";
import { describeError } from "~/utils/log.server";
import { migrateDatabase } from "~db/migrate";
import { AlreadyRunningError, openDatabase, type OpenedDatabase } from "~db/open-database";

/** An expected failure the CLI explains in one line: bad usage, missing input. */
export class CliError extends Error {}

/** The operator's terminal: results on stdout (so `$(loupe …)` captures them), notes on stderr. */
export const out = (line: string) => process.stdout.write(`${line}\n`);
export const note = (line: string) => process.stderr.write(`${line}\n`);

type Options = {
  /** Migrate before running (every command but `db migrate`, which reports what it applied). */
  migrate?: boolean;
  /** How the command names each input field in error messages, e.g. `{ email: "--email" }`. */
  fields?: Record<string, string>;
  /** Needs the server secret (SESSION_SECRET, else the data directory's), to seal or open stored secrets. */
  secrets?: boolean;
};

/**
 * Opens the same database the server uses (DATABASE_URL, else the embedded server `npm start`
 * runs from the data directory, else a temporary one), runs `fn`, and always closes it again.
 */
export async function withDatabase<T>(options: Options, fn: (opened: { db: Database; url: string }) => Promise<T>) {
  loadEnv(process.env, { needsSessionSecret: options.secrets === true });
  const database = await open();
  // why: the embedded server runs in its own process group; without this, Ctrl+C would leave it running.
  const onSignal = (signal: NodeJS.Signals) => {
    void database.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  if (database.source === "embedded") {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  try {
    connectDatabase(database.url);
    if (options.migrate !== false) await migrateDatabase(database.url);
    return await fn({ db, url: database.url });
  } catch (error) {
    throw relabel(error, options.fields ?? {});
  } finally {
    try {
      await closeDb();
    } finally {
      await database.close();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  }
}

async function open(): Promise<OpenedDatabase> {
  const { databaseUrl, dataDir } = env();
  const deadline = Date.now() + 60_000;
  let waiting = false;
  for (;;) {
    try {
      return await openDatabase({ databaseUrl, dataDir, purpose: "cli", log: note });
    } catch (error) {
      // why: a server starting from this data directory holds its lock a while before it says
      // where its database listens; attach once it does.
      if (!(error instanceof AlreadyRunningError) || Date.now() > deadline) throw error;
      if (!waiting) note(`Waiting for the Loupe server that is starting from ${dataDir}…`);
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function relabel(error: unknown, fields: Record<string, string>): unknown {
  if (!(error instanceof ValidationError)) return error;
  const issues = error.issues.map((issue) => ({ ...issue, field: fields[issue.field] ?? issue.field }));
  return new ValidationError(error.message, issues);
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "CONNECT_TIMEOUT",
  "28P01", // password authentication failed
  "28000", // no such role / not allowed
  "3D000", // no such database
]);

/** Prints an error for the operator: one line for the expected ones, the stack for bugs. */
export function reportError(error: unknown) {
  if (error instanceof ValidationError) {
    note(`error: ${error.issues.length ? "invalid input" : error.message}`);
    for (const issue of error.issues) note(`  ${issue.field}: ${issue.message}`);
  } else if (
    error instanceof DomainError ||
    error instanceof CliError ||
    error instanceof EnvError ||
    error instanceof AlreadyRunningError
  ) {
    note(`error: ${error.message}`);
  } else if (unreachable(error)) {
    note(`error: could not connect to the database: ${unreachable(error)}. Check DATABASE_URL, or unset it to use the embedded database.`);
  } else {
    note(`error: unexpected failure: ${describeError(error)}`);
  }
}

/** The connection failure behind an error (Drizzle wraps the driver's in `cause`), if it is one. */
function unreachable(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (UNREACHABLE.has(String((e as { code?: unknown }).code))) return e.message;
  }
  return undefined;
}

/** The instance's one admin, for commands that act as someone when no user is named. */
export async function onlyAdmin(db: Db, ask: string) {
  const admins = await activeAdmins(db);
  if (admins.length === 1) return admins[0]!;
  const why = admins.length === 0 ? "this instance has no admin" : "this instance has several admins";
  throw new CliError(`${ask} (${why} to default to).`);
}
