import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const RESULTS_DIR = fileURLToPath(new URL("../results", import.meta.url));

/**
 * Writes `bench/results/<name>-<date>.json|.md` and the same as `<name>-latest.json|.md`
 * (the dated files keep history, the latest ones are what docs link to). Returns the paths.
 */
export function writeResults(name: string, json: unknown, markdown: string): string[] {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const written: string[] = [];
  for (const stem of [`${name}-${date}`, `${name}-latest`]) {
    for (const [ext, body] of [
      ["json", `${JSON.stringify(json, null, 2)}\n`],
      ["md", markdown.endsWith("\n") ? markdown : `${markdown}\n`],
    ] as const) {
      const file = path.join(RESULTS_DIR, `${stem}.${ext}`);
      // why: write then rename, so an interrupted run never leaves a half-written "latest".
      fs.writeFileSync(`${file}.tmp`, body);
      fs.renameSync(`${file}.tmp`, file);
      written.push(path.relative(process.cwd(), file));
    }
  }
  return written;
}

/** What the figures were measured on, for the results file. */
export function machineInfo() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    commit: gitCommit(),
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** A markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
