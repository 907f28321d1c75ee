import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findBrowser, NO_BROWSER } from "./browser.mjs";

/** A machine with these files on it, this PATH, and a Playwright installer that works or not. */
function machine(options: { files?: string[]; path?: Record<string, string>; env?: Record<string, string>; own?: string; installs?: string }) {
  const files = new Set(options.files ?? []);
  const installs: string[] = [];
  return {
    probe: {
      env: options.env ?? {},
      exists: (file: string) => files.has(file),
      which: (name: string) => options.path?.[name] ?? null,
      playwrightChromium: () => options.own ?? null,
      install: () => {
        installs.push("chromium");
        if (!options.installs) return false;
        files.add(options.installs);
        return true;
      },
    },
    installs,
  };
}

describe("the browser the test command uses", () => {
  it("takes PLAYWRIGHT_CHROMIUM_EXECUTABLE first, and names it when it is missing", () => {
    expect(findBrowser(machine({ env: { PLAYWRIGHT_CHROMIUM_EXECUTABLE: "/opt/c" }, files: ["/opt/c", "/usr/bin/chromium"] }).probe)).toEqual({ executable: "/opt/c", source: "env" });
    const missing = findBrowser(machine({ env: { PLAYWRIGHT_CHROMIUM_EXECUTABLE: "/opt/none" }, files: ["/usr/bin/chromium"] }).probe);
    expect(missing).toEqual({ error: expect.stringContaining("PLAYWRIGHT_CHROMIUM_EXECUTABLE is set to /opt/none, which does not exist.") });
  });

  it("then a system Chromium on the PATH or in the usual places, without installing anything", () => {
    const onPath = machine({ path: { "chromium-browser": "/usr/local/bin/chromium-browser" } });
    expect(findBrowser(onPath.probe)).toEqual({ executable: "/usr/local/bin/chromium-browser", source: "system" });
    const usual = machine({ files: ["/usr/bin/chromium"] });
    expect(findBrowser(usual.probe)).toEqual({ executable: "/usr/bin/chromium", source: "system" });
    expect([...onPath.installs, ...usual.installs]).toEqual([]);
  });

  it("then Playwright's own Chromium, installing it when the network allows", () => {
    expect(findBrowser(machine({ own: "/cache/chrome", files: ["/cache/chrome"] }).probe)).toEqual({ executable: "/cache/chrome", source: "playwright" });
    const fresh = machine({ own: "/cache/chrome", installs: "/cache/chrome" });
    expect(findBrowser(fresh.probe)).toEqual({ executable: "/cache/chrome", source: "installed" });
    expect(fresh.installs).toEqual(["chromium"]);
  });

  it("with none to be had, one line that says what to install", () => {
    const bare = machine({ own: "/cache/chrome" });
    expect(findBrowser(bare.probe)).toEqual({ error: NO_BROWSER });
    expect(bare.installs).toEqual(["chromium"]);
    expect(NO_BROWSER.split("\n")).toHaveLength(1);
  });

  it("npm test's browser stage stops with that line and a failed count, not a stack trace", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const run = spawnSync(process.execPath, ["scripts/test.mjs", "--only", "e2e"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PLAYWRIGHT_CHROMIUM_EXECUTABLE: "/nonexistent/chromium", TEST_DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("PLAYWRIGHT_CHROMIUM_EXECUTABLE is set to /nonexistent/chromium, which does not exist.");
    expect(run.stdout).toMatch(/playwright\s+FAILED\s+0 passed, 1 failed.*\(no browser\)/);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });
});
