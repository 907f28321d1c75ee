import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const INPUTS = ["app", "public", "vite.config.ts", "tailwind.config.ts", "postcss.config.js", "package.json"];
const OUTPUT = "build/server/index.js";

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function builtAt(root) {
  const output = path.join(root, OUTPUT);
  return fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
}

/** True when the build is missing or older than any of its sources. */
export function buildIsStale(root = process.cwd()) {
  return builtAt(root) < Math.max(...INPUTS.map((i) => newestMtime(path.join(root, i))));
}

/** Builds the app with Vite when the build is missing or older than any of its sources. */
export function buildIfStale(root = process.cwd()) {
  if (!buildIsStale(root)) return false;
  const built = builtAt(root);
  process.stdout.write(built ? "Sources changed since the last build: rebuilding…\n" : "Building Loupe (first start only)…\n");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    process.stderr.write("The build failed; see the messages above.\n");
    process.exit(1);
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfStale();
