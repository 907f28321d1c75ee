// Runs in the worker before each test file: opens this worker's database and points the app's
// global client at it, and closes every pool when the file is done.
import { afterAll } from "vitest";
import { closeDb } from "~/db.server";
import { closeTestDb, testDatabaseUrl } from "./db";

process.env.DATABASE_URL = await testDatabaseUrl();

afterAll(async () => {
  await Promise.all([closeDb(), closeTestDb()]);
});
