import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { golden, exportBytes } from "~test/support/export-bytes";
import { makeDatasetProject, type DatasetProject } from "~test/support/dataset-project";
import { cardMarkdown } from "./card";
import { createDataset } from "./create-dataset.server";
import { exportFormats, type ExportFormat } from "./schemas";

const extension = (format: ExportFormat) => (format === "classification-csv" ? "csv" : format === "parquet" ? "parquet" : "jsonl");

/** Item ids, pseudonyms and times differ per run; number them by first appearance. */
function stable(text: string, itemIds: number[]): string {
  const reviewers = new Map<string, string>();
  return text
    .replace(/"item_id":(\d+)/g, (_m, id: string) => `"item_id":"item-${itemIds.indexOf(Number(id)) + 1}"`)
    .replace(/reviewer-[0-9a-f]{10}/g, (p) => (reviewers.has(p) ? reviewers.get(p)! : (reviewers.set(p, `reviewer-${reviewers.size + 1}`), `reviewer-${reviewers.size}`)))
    .replace(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"/g, '"<time>"');
}

describe("golden files: every format on a small hand-made project", () => {
  let fixture: DatasetProject;
  let datasetId: string;

  beforeAll(async () => {
    fixture = await makeDatasetProject();
    const created = await createDataset(db, fixture.manager.actor, fixture.projectId, {
      name: "Golden",
      filter: { status: "any" },
      options: { labelQuestion: "intent", preferenceFromCorrections: true, split: { train: 0.5, validation: 0.25, test: 0.25, seed: 7 } },
    });
    datasetId = created.id;
    expect(created.counts).toMatchObject({ items: 6, annotations: 12 });
  });

  for (const format of exportFormats) {
    it(`${format} matches its golden file byte for byte`, async () => {
      const { bytes, card, fileName } = await exportBytes(fixture.manager.actor, datasetId, format);
      expect(fileName).toBe(`golden-v1-${format}.${extension(format)}`);
      const text = format === "parquet" ? bytes : stable(bytes.toString("utf8"), fixture.itemIds);
      const { expected, actual } = golden(`datasets/${format}.${extension(format)}`, text);
      expect(actual.toString(format === "parquet" ? "base64" : "utf8")).toBe(expected.toString(format === "parquet" ? "base64" : "utf8"));
      expect(card.export.rows).toBeGreaterThan(0);
    });
  }

  it("writes the chat input's system and user turns before the approved output, and the correction as the target", async () => {
    const lines = (await exportBytes(fixture.manager.actor, datasetId, "openai-chat")).bytes.toString().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ messages: [{ role: "system", content: "You are a support agent." }, { role: "user", content: "Where is my parcel?" }, { role: "assistant", content: "It ships tomorrow." }] });
    expect(lines).toContainEqual({ messages: [{ role: "user", content: "What is 2+2?" }, { role: "assistant", content: "4" }] });
    // The pairwise item has neither a correction nor a rating: left out, and the card says so.
    const { card } = await exportBytes(fixture.manager.actor, datasetId, "openai-chat");
    expect(card.export.skipped).toContainEqual({ reason: "neither a correction nor an approved output", rows: 1 });
  });

  it("makes preference pairs from the pairwise winner and from the correction", async () => {
    const lines = (await exportBytes(fixture.manager.actor, datasetId, "openai-preference")).bytes.toString().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { input: { messages: [{ role: "user", content: "Say hello politely." }] }, preferred_output: [{ role: "assistant", content: "Hello, how can I help?" }], non_preferred_output: [{ role: "assistant", content: "hey" }] },
      { input: { messages: [{ role: "user", content: "What is 2+2?" }] }, preferred_output: [{ role: "assistant", content: "4" }], non_preferred_output: [{ role: "assistant", content: "5" }] },
    ]);
  });

  it("labels from the consensus, multi-label joined, the tie left out and counted, formulas neutralized", async () => {
    const csv = (await exportBytes(fixture.manager.actor, datasetId, "classification-csv")).bytes.toString();
    expect(csv.startsWith("text,label,split\r\n")).toBe(true);
    expect(csv).not.toContain("=HYPERLINK");
    expect(csv).toContain(`"'+1, said ""@admin""\n-2\tand more",other,`);
    const { card } = await exportBytes(fixture.manager.actor, datasetId, "classification-csv");
    expect(card.export.skipped).toEqual([{ reason: "label unresolved", rows: 1 }]);

    const multi = await createDataset(db, fixture.manager.actor, fixture.projectId, { name: "Topics", filter: { status: "any" }, options: { labelQuestion: "topics" } });
    const jsonl = (await exportBytes(fixture.manager.actor, multi.id, "classification-jsonl")).bytes.toString().trim().split("\n").map((l) => JSON.parse(l));
    expect(jsonl.map((r) => r.label)).toEqual(["delay", "delay|refund"]);
  });

  it("writes parquet that a reader gets the same rows back from", async () => {
    const { bytes } = await exportBytes(fixture.manager.actor, datasetId, "parquet");
    const csv = (await exportBytes(fixture.manager.actor, datasetId, "classification-jsonl")).bytes.toString().trim().split("\n").map((l) => JSON.parse(l));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(await parquetReadObjects({ file })).toEqual(csv);
  });

  it("gives a card in JSON and markdown with counts, labels, agreement and reviewers", async () => {
    const { card } = await exportBytes(fixture.manager.actor, datasetId, "classification-csv");
    expect(card.items).toMatchObject({ matched: 6, total: 6, dedupRemoved: 0, capRemoved: 0 });
    expect(card.reviewers).toBe(2);
    expect(card.dataset).toMatchObject({ name: "Golden", version: 1, createdBy: fixture.manager.name });
    expect(card.labels?.distribution.map((l) => [l.label, l.total])).toEqual([["billing", 1], ["other", 3], ["shipping", 1]]);
    expect(card.agreement.find((a) => a.question === "intent")).toMatchObject({ items: 6, resolved: 5, unresolved: 1, min: 0.5, max: 1 });
    const markdown = cardMarkdown(card);
    expect(markdown).toContain("# Golden — version 1");
    expect(markdown).toContain("| label unresolved | 1 |");
  });
});
