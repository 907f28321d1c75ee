// Runs in the worker before each test file: opens this worker's database and points the app's
// `db` at it, and closes every pool when the file is done.
import { afterAll } from "vitest";
import { closeDb, connectDatabase } from "~/db.server";
import { closeTestDb, testDatabaseUrl } from "./db";

connectDatabase(await testDatabaseUrl());

afterAll(async () => {
  await Promise.all([closeDb(), closeTestDb()]);
});
