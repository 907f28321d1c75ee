import { vi } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));

// why: every CLI test starts real `loupe` processes (tsx compiles on each start); on a loaded
// 2-core machine six of them took one test past the default 30 s. A ceiling on a hang, not a
// duration any test relies on — for every file that runs the CLI through this module.
vi.setConfig({ testTimeout: 120_000 });

export type CliResult = { code: number | null; stdout: string; stderr: string };

const PEAK_RSS = fileURLToPath(new URL("../test/support/peak-rss.mjs", import.meta.url));

/**
 * Runs the real `loupe` command (bin/loupe.mjs) from the repository root. Database-related
 * variables come only from `env`, never from the test process; `input` is piped to stdin.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; via?: "tty"; /** Write the process's peak RSS (KiB) to this file. */ peakRssFile?: string } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === "DATABASE_URL" || name.startsWith("LOUPE_")) delete env[name];
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[name] = value;
  }
  const command = [process.execPath, ...(options.peakRssFile ? ["--import", PEAK_RSS] : []), "bin/loupe.mjs", ...args];
  if (options.peakRssFile) env.PEAK_RSS_FILE = options.peakRssFile;
  // why: a pseudo-terminal on stdin is the only way to see what the CLI does when run interactively.
  const [file, argv] =
    options.via === "tty" ? ["script", ["-qec", command.map(shellQuote).join(" "), "/dev/null"]] : [command[0]!, command.slice(1)];
  const child = spawn(file, argv, {
    cwd: REPO,
    env,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** util-linux `script`, which runs a command on a pseudo-terminal (see `via: "tty"`). */
export function hasScriptCommand(): boolean {
  return process.platform === "linux" && spawnSync("script", ["--version"]).status === 0;
}

/** A fresh directory for LOUPE_DATA_DIR, so no test touches the repository's .data. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "loupe-cli-"));
}

export const uniqueEmail = (tag = "cli") => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** Expected errors are explained in a line, never with a stack trace. */
export const STACK_TRACE = /^\s+at /m;

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;
