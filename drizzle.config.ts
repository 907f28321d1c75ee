import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this file; it needs no live database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
