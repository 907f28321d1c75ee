import { randomBytes } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { PROVIDER_KEY_VARIABLE } from "~/modules/llm/schemas";
import { projectCreatorsSettings, type InstanceSettings, type ProjectCreators } from "~/modules/projects/policy";
import { readOrCreate } from "./files.server";

/** Import limits unless LOUPE_IMPORT_MAX_BYTES / _MAX_RECORD_BYTES / _MAX_INFLATED_BYTES say otherwise. */
const IMPORT_DEFAULTS = { maxBytes: 2 * 1024 ** 3, maxRecordBytes: 10 * 1024 * 1024, maxInflatedBytes: 2 * 1024 ** 3 };

/** The setting behind each import limit, as messages that stop an import name it. */
export const IMPORT_LIMIT_SETTINGS = {
  maxBytes: "LOUPE_IMPORT_MAX_BYTES",
  maxRecordBytes: "LOUPE_IMPORT_MAX_RECORD_BYTES",
  maxInflatedBytes: "LOUPE_IMPORT_MAX_INFLATED_BYTES",
} as const;

/**
 * The one place that reads process.env. Everything else asks `env()`.
 * `loadEnv()` is called once at start-up by the server, the CLI and the test harness.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  SESSION_SECRET: z.string().optional(),
  LOUPE_DATA_DIR: z.string().min(1).default(".data"),
  LOUPE_PUBLIC_URL: z.string().url().optional(),
  LOUPE_TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  LOUPE_ADMIN_EMAIL: z.string().email().optional(),
  LOUPE_ADMIN_PASSWORD: z.string().optional(),
  LOUPE_ADMIN_NAME: z.string().min(1).default("Admin"),
  LOUPE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  LOUPE_LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  LOUPE_ACCESS_LOG: z.enum(["true", "false"]).default("false"),
  LOUPE_METRICS_TOKEN: z.string().min(16, { error: "Expected at least 16 characters (a random token Prometheus sends as a bearer token)." }).optional(),
  LOUPE_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(IMPORT_DEFAULTS.maxBytes),
  LOUPE_IMPORT_MAX_RECORD_BYTES: z.coerce.number().int().min(1024).default(IMPORT_DEFAULTS.maxRecordBytes),
  LOUPE_LLM_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  LOUPE_PREVIOUS_SECRET: z.string().min(1).optional(),
  LOUPE_PROJECT_CREATORS: z.enum(projectCreatorsSettings).default("allowed"),
  LOUPE_SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:\/\//.test(v), { error: "Expected an smtp:// or smtps:// URL, e.g. smtps://user:password@mail.example.com:465." })
    .optional(),
  LOUPE_MAIL_FROM: z.string().min(3).optional(),
  LOUPE_SMTP_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  LOUPE_WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  LOUPE_IMPORT_MAX_INFLATED_BYTES: z.coerce.number().int().min(1024).default(IMPORT_DEFAULTS.maxInflatedBytes),
});

export type Env = {
  /** "production" only when the operator set NODE_ENV=production; it decides how strict secrets are. */
  mode: "production" | "development" | "test";
  databaseUrl: string | undefined;
  port: number;
  host: string;
  sessionSecret: string;
  dataDir: string;
  publicUrl: string | undefined;
  trustProxy: boolean;
  admin: { email: string; password: string; name: string } | undefined;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** Log lines as text for people, or one JSON object per line for a log pipeline. */
  logFormat: "text" | "json";
  /** One line per request (request id, actor, route, status, duration) at info level. */
  accessLog: boolean;
  /** The bearer token /metrics asks for; undefined: /metrics is off (404). */
  metricsToken: string | undefined;
  /** The largest upload or import stream, the largest line or CSV record in it, and what a gzipped one may inflate to. */
  importLimits: { maxBytes: number; maxRecordBytes: number; maxInflatedBytes: number };
  /** The SESSION_SECRET before the last rotation: stored secrets sealed under it still open (ADR 0011). */
  previousSecret: string | undefined;
  /** Whether LLM provider URLs may point at loopback, private and link-local addresses (never metadata). */
  llmAllowPrivate: boolean;
  /** Who may create projects besides admins: the users an admin allowed, or everyone. */
  projectCreators: ProjectCreators;
  /**
   * Where to send mail (password reset links, invites), when the operator configured it, and whether
   * the SMTP host may be a loopback, private or link-local address (never metadata; ADR 0021).
   */
  mail: { smtpUrl: string; from: string; allowPrivate: boolean } | undefined;
  /** Whether webhook URLs may point at loopback, private and link-local addresses (never metadata; ADR 0023). */
  webhookAllowPrivate: boolean;
};

export class EnvError extends Error {}

const MIN_SECRET_LENGTH = 32;
let loaded: Env | undefined;

/**
 * Reads and checks the environment. The CLI passes `needsSessionSecret: false`: it signs no
 * cookies, so it must neither demand the secret in production nor create one in development.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env, options: { needsSessionSecret?: boolean } = {}): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const raw = parsed.data;
  const mode = raw.NODE_ENV ?? "development";
  const dataDir = path.resolve(raw.LOUPE_DATA_DIR);
  if ((raw.LOUPE_ADMIN_EMAIL === undefined) !== (raw.LOUPE_ADMIN_PASSWORD === undefined)) {
    throw new EnvError("Set both LOUPE_ADMIN_EMAIL and LOUPE_ADMIN_PASSWORD, or neither.");
  }
  if ((raw.LOUPE_SMTP_URL === undefined) !== (raw.LOUPE_MAIL_FROM === undefined)) {
    throw new EnvError("Set both LOUPE_SMTP_URL and LOUPE_MAIL_FROM (the sender, e.g. \"Loupe <loupe@example.com>\"), or neither.");
  }
  loaded = {
    mode,
    databaseUrl: raw.DATABASE_URL,
    port: raw.PORT,
    host: raw.HOST,
    sessionSecret: options.needsSessionSecret === false ? "" : resolveSessionSecret(mode, raw.SESSION_SECRET, dataDir),
    dataDir,
    publicUrl: raw.LOUPE_PUBLIC_URL?.replace(/\/$/, ""),
    trustProxy: raw.LOUPE_TRUST_PROXY === "true",
    admin:
      raw.LOUPE_ADMIN_EMAIL && raw.LOUPE_ADMIN_PASSWORD
        ? { email: raw.LOUPE_ADMIN_EMAIL, password: raw.LOUPE_ADMIN_PASSWORD, name: raw.LOUPE_ADMIN_NAME }
        : undefined,
    logLevel: raw.LOUPE_LOG_LEVEL,
    logFormat: raw.LOUPE_LOG_FORMAT,
    accessLog: raw.LOUPE_ACCESS_LOG === "true",
    metricsToken: raw.LOUPE_METRICS_TOKEN,
    importLimits: { maxBytes: raw.LOUPE_IMPORT_MAX_BYTES, maxRecordBytes: raw.LOUPE_IMPORT_MAX_RECORD_BYTES, maxInflatedBytes: raw.LOUPE_IMPORT_MAX_INFLATED_BYTES },
    previousSecret: raw.LOUPE_PREVIOUS_SECRET,
    llmAllowPrivate: raw.LOUPE_LLM_ALLOW_PRIVATE === "true",
    projectCreators: raw.LOUPE_PROJECT_CREATORS,
    mail: raw.LOUPE_SMTP_URL && raw.LOUPE_MAIL_FROM ? { smtpUrl: raw.LOUPE_SMTP_URL, from: raw.LOUPE_MAIL_FROM, allowPrivate: raw.LOUPE_SMTP_ALLOW_PRIVATE === "true" } : undefined,
    webhookAllowPrivate: raw.LOUPE_WEBHOOK_ALLOW_PRIVATE === "true",
  };
  return loaded;
}

export function env(): Env {
  const current = loaded;
  if (!current) throw new Error("loadEnv() has not been called");
  return current;
}

/** The configured import limits; the defaults when the environment was not loaded (tests calling verbs). */
export function importLimits(): Env["importLimits"] {
  return loaded?.importLimits ?? IMPORT_DEFAULTS;
}

/** The mail settings when LOUPE_SMTP_URL is set (undefined when not, or when the environment was not loaded). */
export function mailSettings(): Env["mail"] {
  return loaded?.mail;
}

/** Whether webhooks may reach private and local addresses; false when the environment was not loaded. */
export function webhookAllowPrivate(): boolean {
  return loaded?.webhookAllowPrivate ?? false;
}

/** The instance's project-creation setting; the default when the environment was not loaded (tests calling verbs). */
export function instanceSettings(): InstanceSettings {
  return { projectCreators: loaded?.projectCreators ?? "allowed" };
}

/**
 * The value of the environment variable an LLM provider names as holding its API key, or
 * undefined when it is unset or empty. Only names matching PROVIDER_KEY_VARIABLE are read, so a
 * provider cannot be pointed at SESSION_SECRET, DATABASE_URL or any other secret of the server's.
 */
export function providerKeyFromEnvironment(name: string): string | undefined {
  if (!PROVIDER_KEY_VARIABLE.test(name) || name in schema.shape) return undefined;
  const value = process.env[name];
  return value ? value : undefined;
}


function resolveSessionSecret(mode: Env["mode"], given: string | undefined, dataDir: string): string {
  if (given !== undefined) {
    if (given.length < MIN_SECRET_LENGTH) {
      throw new EnvError(
        `SESSION_SECRET is too short (${given.length} characters): set it to a random string of at least ${MIN_SECRET_LENGTH}, e.g. \`openssl rand -hex 32\`.`,
      );
    }
    return given;
  }
  if (mode === "production") {
    throw new EnvError(
      `NODE_ENV=production needs SESSION_SECRET: set it to a random string of at least ${MIN_SECRET_LENGTH} characters, e.g. \`openssl rand -hex 32\`.`,
    );
  }
  return readOrCreate(path.join(dataDir, "session-secret"), () => randomBytes(32).toString("hex"));
}
