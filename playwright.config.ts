import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against the production build (run `npm run build` first; scripts/test.mjs
 * does it when needed). The web server gets its database from E2E_DATABASE_URL, which
 * scripts/test.mjs creates and migrates for each run; without it the server starts its own
 * embedded PostgreSQL in .data/e2e.
 */
const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";
const port = new URL(baseURL).port || "3100";

function systemChromium(): string | undefined {
  if (process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE) return process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined; // Playwright's own download
}

const executablePath = systemChromium();

const serverEnv: Record<string, string> = {
  PORT: port,
  LOUPE_DATA_DIR: ".data/e2e",
  LOUPE_LOG_LEVEL: "warn",
  // why: the LLM stories point providers at a stub the test starts on 127.0.0.1.
  LOUPE_LLM_ALLOW_PRIVATE: "true",
  // why: e2e/webhooks.spec.ts delivers to a receiver the test starts on 127.0.0.1.
  LOUPE_WEBHOOK_ALLOW_PRIVATE: "true",
};
if (process.env.E2E_DATABASE_URL) serverEnv.DATABASE_URL = process.env.E2E_DATABASE_URL;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // why: the default, test-results/, is wiped at start and would take test-results/vitest.json with it.
  outputDir: "test-results/playwright",
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  // why: every wait is on a condition; these are ceilings for a loaded 2-core machine (two workers,
  // a server hashing passwords and a build of PostgreSQL beside them), not expected durations.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: executablePath
          ? {
              executablePath,
              args: [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
              ],
            }
          : {},
      },
    },
  ],
  webServer: {
    command: "node --import tsx server.ts",
    env: serverEnv,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    // why: a SIGKILL would leave an embedded PostgreSQL behind when the server started one.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
