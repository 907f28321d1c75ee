import { describe, expect, it } from "vitest";
import { importErrors, imports } from "~db/schema";
import { db } from "~/db.server";
import { loader as importErrorsCsv } from "~/routes/projects.$projectId_.imports_.$importId.errors[.]csv";
import { makeDatasetProject } from "~test/support/dataset-project";
import { exportBytes } from "~test/support/export-bytes";
import { createDataset } from "./create-dataset.server";

// Outputs a hostile model or importer could produce; each must reach a spreadsheet as text.
const cells = [" =1+2", "\ufeff=HYPERLINK(\"http://evil.example\")", "\r\n@SUM(A1)", "＝cmd|' /C calc'!A0", "\u3000－1", "﹦1", "Safe; with a semicolon", "It's fine"];

describe("every CSV Loupe writes is formula-safe (OWASP CSV injection)", () => {
  it("a classification-csv export's bytes: hostile cells start with an apostrophe and are quoted, harmless ones are untouched", async () => {
    const f = await makeDatasetProject(
      cells.map((text) => ({ item: { input: "Label this", outputs: [{ text }] }, answers: [{ intent: "other" }, { intent: "other" }] })),
      [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "other" }, { value: "billing" }] }],
    );
    const dataset = await createDataset(db, f.manager.actor, f.projectId, { name: "Hostile", filter: {}, options: { textFrom: "output", split: { train: 1, validation: 0, test: 0, seed: 1 } } });
    const { bytes } = await exportBytes(f.manager.actor, dataset.id, "classification-csv");
    expect(bytes.toString("utf8")).toBe(
      [
        "text,label,split",
        `"' =1+2",other,train`,
        `"'\ufeff=HYPERLINK(""http://evil.example"")",other,train`,
        `"'\r\n@SUM(A1)",other,train`,
        `"'＝cmd|' /C calc'!A0",other,train`,
        `"'\u3000－1",other,train`,
        `"'﹦1",other,train`,
        `"Safe; with a semicolon",other,train`,
        `"It's fine",other,train`,
        "",
      ].join("\r\n"),
    );
  });

  it("an import's rejected-rows CSV: a hostile field name or message cannot become a formula", async () => {
    const f = await makeDatasetProject([]);
    const [row] = await db.insert(imports).values({ projectId: f.projectId, createdBy: f.manager.id, origin: "upload", fileName: "rows.csv", state: "succeeded", rejected: 2 }).returning({ id: imports.id });
    await db.insert(importErrors).values([
      { importId: row!.id, seq: 1, line: 2, field: "\ufeff=cmd", message: " +1 is not a label" },
      { importId: row!.id, seq: 2, line: 3, field: "label", message: "＠SUM(A1) is not an option" },
    ]);
    const request = new Request(`http://loupe.test/projects/${f.projectId}/imports/${row!.id}/errors.csv`);
    const user = { id: f.manager.id, isAdmin: false };
    const response = (await importErrorsCsv({ request, params: { projectId: f.projectId, importId: row!.id }, context: { user } } as never)) as Response;
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await response.text()).toBe(`"line","field","message"\r\n"2","'\ufeff=cmd","' +1 is not a label"\r\n"3","label","'＠SUM(A1) is not an option"\r\n`);
  });
});
