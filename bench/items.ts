/**
 * npm run bench:items [-- --items 1000000 --keep]
 * DATABASE_URL=… npm run bench:items -- --project <id>   (check again a project a --keep run left)
 *
 * The data manager at scale: --items generated items in one project (test/support/generate, a
 * set-based INSERT … SELECT; priorities 0–99, a tenth done), then EXPLAIN ANALYZE of every page,
 * sort, filter, search and count it runs (test/support/data-manager-plans.ts): no Seq Scan on
 * items and no Sort over the project, with each query's time. Writes bench/results/items-*.
 * Database as bench:queue (a throwaway database on TEST_DATABASE_URL's server, else embedded).
 */
import { parseArgs } from "node:util";
import { connect } from "~/db.server";
import { checkPlans, planText, seedPlanProject } from "~test/support/data-manager-plans";
import { openBenchDatabase } from "./lib/database";
import { machineInfo, markdownTable, writeResults } from "./lib/results";

const { values: flags } = parseArgs({ options: { items: { type: "string", default: "1000000" }, keep: { type: "boolean", default: false }, project: { type: "string" } } });
const count = Number(flags.items);

async function main() {
  // why: a project already loaded (a --keep run) is checked as it is, on the database given.
  const database = flags.project && process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, where: "DATABASE_URL (a kept bench database)", close: async () => {} }
    : await openBenchDatabase(console.log);
  const app = connect(database.url, { max: 2 });
  let failed = false;
  try {
    console.log(flags.project ? `Checking project ${flags.project}…` : `Loading ${count.toLocaleString("en")} items…`);
    const { projectId, loadSeconds } = flags.project ? { projectId: flags.project, loadSeconds: Number.NaN } : await seedPlanProject(app, count, console.log);
    // why: the first run of each query warms the cache; the second is the figure reported.
    await checkPlans(app.db, projectId);
    const results = await checkPlans(app.db, projectId);
    failed = results.some((r) => r.problems.length > 0);
    const rows = results.map((r) => [r.name, `${r.ms.toFixed(1)} ms`, r.problems.length ? `MISSED: ${r.problems.join("; ")}` : "ok", planText(r.nodes.filter((n) => n["Relation Name"] || n["Node Type"].includes("Sort") || n["Node Type"] === "Limit"))]);
    const markdown = [
      `# bench:items — the data manager on ${count.toLocaleString("en")} items`,
      "",
      `${Number.isNaN(loadSeconds) ? "Loaded by an earlier run" : `Loaded in ${loadSeconds.toFixed(0)} s`} (generated rows; the search and priority indexes built after the load). Database: ${database.where}.`,
      "Each query is EXPLAIN ANALYZE'd twice; the second run is reported. Target: no Seq Scan on items, no Sort over the project (a sort of a search's matches is allowed), pages under 100 ms.",
      "",
      markdownTable(["query", "time", "plan check", "plan (nodes on items, sorts, limit)"], rows),
      "",
      `Machine: ${JSON.stringify(machineInfo())}`,
    ].join("\n");
    console.log(markdown);
    console.log(writeResults("items", { items: count, loadSeconds, machine: machineInfo(), results: results.map((r) => ({ name: r.name, ms: r.ms, problems: r.problems, plan: planText(r.nodes) })) }, markdown).join("\n"));
  } finally {
    await app.sql.end({ timeout: 5 });
    await database.close({ keep: flags.keep });
  }
  if (failed) process.exitCode = 1;
}

await main();
