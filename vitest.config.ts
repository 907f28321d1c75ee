import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// why: not built on vite.config.ts, whose Remix plugin has no business running under Vitest.
export default defineConfig({
  resolve: {
    alias: {
      "~db": fileURLToPath(new URL("./db", import.meta.url)),
      "~test": fileURLToPath(new URL("./test", import.meta.url)),
      "~": fileURLToPath(new URL("./app", import.meta.url)),
    },
  },
  test: {
    environment: "node",
    include: [
      "app/**/*.test.ts",
      "db/**/*.test.ts",
      "server/**/*.test.ts",
      "cli/**/*.test.ts",
      "test/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    exclude: ["e2e/**", "node_modules/**", "build/**", ".data/**"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // why: the global setup may have to initialise and start an embedded PostgreSQL first.
    teardownTimeout: 60_000,
  },
});
