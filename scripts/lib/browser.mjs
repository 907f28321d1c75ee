// Finds the Chromium the browser stories run in, the way a person setting up would: the one named
// by PLAYWRIGHT_CHROMIUM_EXECUTABLE, else a system Chromium, else Playwright's own (installed
// now, when the network allows). When none can be had, one line says what to install.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const SYSTEM_CANDIDATES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];
const SYSTEM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/Applications/Chromium.app/Contents/MacOS/Chromium"];

/** The message when no browser can be had: one line, what to install. */
export const NO_BROWSER =
  "No Chromium for the browser tests: install one (Debian/Ubuntu: `apt-get install chromium`; elsewhere `npx playwright install chromium`, which needs the network) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE to a Chromium or Chrome binary.";

/**
 * @typedef {{
 *   env: Record<string, string | undefined>,
 *   exists: (file: string) => boolean,
 *   which: (name: string) => string | null,
 *   playwrightChromium: () => string | null,
 *   install: () => boolean,
 * }} Probe
 */

/**
 * @param {Probe} probe
 * @returns {{ executable: string, source: "env" | "system" | "playwright" | "installed" } | { error: string }}
 */
export function findBrowser(probe) {
  const named = probe.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  if (named) {
    return probe.exists(named) ? { executable: named, source: "env" } : { error: `PLAYWRIGHT_CHROMIUM_EXECUTABLE is set to ${named}, which does not exist. ${NO_BROWSER}` };
  }
  for (const name of SYSTEM_CANDIDATES) {
    const found = probe.which(name);
    if (found) return { executable: found, source: "system" };
  }
  for (const file of SYSTEM_PATHS) if (probe.exists(file)) return { executable: file, source: "system" };
  const own = probe.playwrightChromium();
  if (own && probe.exists(own)) return { executable: own, source: "playwright" };
  if (probe.install()) {
    const installed = probe.playwrightChromium();
    if (installed && probe.exists(installed)) return { executable: installed, source: "installed" };
  }
  return { error: NO_BROWSER };
}

/** The real machine: PATH, the file system, and Playwright's installer (quiet; it may have no network). */
export function machineProbe(root) {
  const require = createRequire(path.join(root, "package.json"));
  const playwrightChromium = () => {
    try {
      return require("playwright-core").chromium.executablePath();
    } catch {
      return null;
    }
  };
  return {
    env: process.env,
    exists: (file) => fs.existsSync(file),
    which: (name) => {
      for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const file = path.join(dir, name);
        if (dir && fs.existsSync(file)) return file;
      }
      return null;
    },
    playwrightChromium,
    install: () => {
      console.log("No Chromium found: trying `npx playwright install chromium`…");
      const result = spawnSync(path.join(root, "node_modules", ".bin", "playwright"), ["install", "chromium"], { stdio: ["ignore", "ignore", "pipe"], timeout: 300_000 });
      return result.status === 0;
    },
  };
}
