import { env } from "./env.server";

/** What a line is about besides its message: the request id, the actor, the route… (values are never secrets). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type Logger = {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, error?: unknown, fields?: LogFields): void;
};

export type LogFormat = "text" | "json";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

type Sink = (level: Exclude<LogLevel, "silent">, line: string) => void;
const stdio: Sink = (level, line) => (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line);

/**
 * Lines at `level` and above: `<time> <level> <message> key=value…` as text, or one JSON object
 * per line (`time`, `level`, `msg`, the fields, and `error` when there is one) for a log pipeline.
 * Errors are written by describeError.
 */
export function createLogger(level: LogLevel, sink: Sink = stdio, format: LogFormat = "text"): Logger {
  const min = levels[level];
  const out = (at: Exclude<LogLevel, "silent">, message: string, fields: LogFields | undefined, error?: unknown) => {
    if (levels[at] < min) return;
    const time = new Date().toISOString();
    const described = error === undefined ? undefined : describeError(error);
    if (format === "json") {
      const entry: Record<string, unknown> = { time, level: at, msg: message };
      for (const [key, value] of Object.entries(fields ?? {})) if (value !== undefined && !(key in entry)) entry[key] = value;
      if (described !== undefined) entry.error = described;
      sink(at, `${JSON.stringify(entry)}\n`);
      return;
    }
    const tail = Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => ` ${key}=${typeof value === "string" && /[\s"=]/.test(value) ? JSON.stringify(value) : String(value)}`)
      .join("");
    sink(at, `${time} ${at.padEnd(5)} ${described === undefined ? message : `${message}: ${described}`}${tail}\n`);
  };
  return {
    debug: (m, f) => out("debug", m, f),
    info: (m, f) => out("info", m, f),
    warn: (m, f) => out("warn", m, f),
    error: (m, e, f) => out("error", m, f, e),
  };
}

/** The logger for code inside the Remix app, at the level the server was started with. */
export function appLog(): Logger {
  let level: LogLevel = "info";
  let format: LogFormat = "text";
  try {
    ({ logLevel: level, logFormat: format } = env());
  } catch {
    // why: verbs and routes also run in tests and scripts that never loaded the environment.
  }
  return createLogger(level, stdio, format);
}

/**
 * An error as one log entry: its class, code and message, each cause's, and the stack frames,
 * but never the parameters of a failed statement. why: Drizzle puts them in the message
 * ("Failed query: … params: …") and postgres.js keeps them on the error, so a failed insert
 * into `users` would write a password hash (or any secret column) to the log.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(depth === 0 ? headline(current) : `caused by ${headline(current)}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  const frames = error instanceof Error ? (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line)) : [];
  return [parts.join("\n  "), ...frames].join("\n");
}

function headline(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === "string" ? error.slice(0, 500) : `a thrown ${typeof error}`;
  const code = (error as { code?: unknown }).code;
  const named = `${error.name}${typeof code === "string" && code ? ` ${code}` : ""}`;
  const query = (error as { query?: unknown }).query;
  // why: a failed statement's SQL has placeholders ($1, $2…) where the values went; the values stay out.
  if (typeof query === "string" && "params" in error) return `${named}: Failed query: ${query.slice(0, 2000)}`;
  // why: PostgreSQL's data exceptions (SQLSTATE class 22) quote the offending value in the message.
  if (typeof code === "string" && code.startsWith("22")) return `${named}: ${error.message.replace(/"[^"]*"/g, '"…"')}`;
  return `${named}: ${error.message}`;
}
