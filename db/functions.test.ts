import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dir = path.dirname(fileURLToPath(import.meta.url));
const journal = JSON.parse(fs.readFileSync(path.join(dir, "migrations/meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
const migrations = journal.entries.map((e) => ({ tag: e.tag, text: fs.readFileSync(path.join(dir, "migrations", `${e.tag}.sql`), "utf8") }));
const functions = fs.readdirSync(path.join(dir, "functions")).filter((f) => f.endsWith(".sql"));

/** The function's whole statement, from CREATE to its end (comments around it aside). */
function statementOf(name: string, text: string): string | null {
  const start = text.search(new RegExp(`CREATE (OR REPLACE )?FUNCTION ${name}\\(`));
  if (start < 0) return null;
  const body = text.indexOf("$fn$", start);
  // PL/pgSQL bodies are quoted $fn$ … $fn$; a LANGUAGE sql function ends at its first semicolon.
  const end = body >= 0 ? text.indexOf(";", text.indexOf("$fn$", body + 4)) : text.indexOf(";\n", start);
  return end < 0 ? null : text.slice(start, end + 1);
}

// why: db/functions/<name>.sql is where a reader finds the live PL/pgSQL; a migration carries a
// frozen copy of it. The newest migration that (re)defines a function must hold the file exactly,
// so the file can never drift from what the database runs.
describe("PL/pgSQL functions in db/functions/ are the ones the newest migration installs", () => {
  it.each(functions)("%s", (file) => {
    const name = file.replace(/\.sql$/, "");
    const source = fs.readFileSync(path.join(dir, "functions", file), "utf8");
    const defining = migrations.filter((m) => statementOf(name, m.text) !== null);
    expect(defining.length, `no migration defines ${name}`).toBeGreaterThan(0);
    const newest = defining.at(-1)!;
    expect(statementOf(name, source), `db/functions/${file} holds no CREATE OR REPLACE FUNCTION ${name}`).not.toBeNull();
    expect(statementOf(name, newest.text), `${newest.tag}.sql does not define ${name} as db/functions/${file} does`).toBe(statementOf(name, source));
  });
});
