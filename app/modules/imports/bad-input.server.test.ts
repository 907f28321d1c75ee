import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { importErrors, imports } from "~db/schema";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { ValidationError } from "~/utils/errors";
import { importProject, importText, jsonl } from "./test-helpers";

const good = (n: number) => ({ input: `Prompt ${n}`, outputs: [{ text: `Answer ${n}` }], externalId: `good-${n}` });
const ids = (stored: { externalId: string | null }[]) => stored.map((s) => s.externalId);

describe("bad rows are reported by line and field; the good rows around them go in", () => {
  it("malformed JSON on one line among good ones", async () => {
    const p = await importProject();
    const { result, stored } = await importText(p, jsonl(good(1), '{"input": "x", "outputs": [}', good(3)));
    expect(result).toMatchObject({ received: 3, inserted: 2, rejected: 1 });
    expect(result!.errors).toEqual([{ line: 2, record: 2, field: null, message: "not valid JSON (Unexpected token '}')" }]);
    expect(ids(stored)).toEqual(["good-1", "good-3"]);
  });

  it("wrong types, naming the field and what was expected", async () => {
    const p = await importProject();
    const { result, stored } = await importText(
      p,
      jsonl(good(1), { input: 5, outputs: [{ text: "a" }] }, { input: "x", outputs: [{ text: 42 }] }, { input: "x", outputs: "just text" }, good(5)),
    );
    expect(result!.errors).toEqual([
      { line: 2, record: 2, field: "input", message: '"input": Expected input as a string or as {messages: [{role, content}]} (got a number)' },
      { line: 3, record: 3, field: "outputs.0.text", message: '"outputs.0.text": Expected the output text as a string (got a number)' },
      { line: 4, record: 4, field: "outputs", message: '"outputs": Expected a list of outputs, each {text, model?} (got a string)' },
    ]);
    expect(ids(stored)).toEqual(["good-1", "good-5"]);
  });

  it("a missing required field, under the row's own field name when a preset maps it", async () => {
    const p = await importProject();
    const own = await importText(p, jsonl(good(1), { input: "no outputs here" }));
    expect(own.result!.errors).toEqual([{ line: 2, record: 2, field: "outputs", message: '"outputs" is missing' }]);

    const alpaca = await importText(p, jsonl({ instruction: "Hi", output: "Hello", generator: "m" }, { instruction: "Hi again", generator: "m" }), { format: "alpaca-eval" });
    expect(alpaca.result!.errors).toEqual([{ line: 2, record: 2, field: "output", message: '"output" is missing' }]);
  });

  it("a line over the record-size limit is skipped without being held", async () => {
    const p = await importProject();
    const long = { input: "x".repeat(5000), outputs: [{ text: "y" }] };
    const { result, stored } = await importText(p, jsonl(good(1), long, good(3)), { limits: { maxRecordBytes: 1024 } });
    expect(result!.errors).toEqual([{ line: 2, record: 2, field: null, message: "the line is longer than the 1 KB limit" }]);
    expect(ids(stored)).toEqual(["good-1", "good-3"]);
  });

  it("invalid UTF-8, naming the byte", async () => {
    const p = await importProject();
    const bad = Buffer.concat([Buffer.from('{"input": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('", "outputs": [{"text": "x"}]}')]);
    const { result, stored } = await importText(p, Buffer.concat([Buffer.from(jsonl(good(1))), bad, Buffer.from("\n" + jsonl(good(3)))]));
    expect(result!.errors).toEqual([{ line: 2, record: 2, field: null, message: "invalid UTF-8 at byte 15" }]);
    expect(ids(stored)).toEqual(["good-1", "good-3"]);
  });

  it("a NUL byte, raw or escaped", async () => {
    const p = await importProject();
    const raw = Buffer.concat([Buffer.from('{"input": "a'), Buffer.from([0]), Buffer.from('b", "outputs": [{"text": "x"}]}')]);
    const escaped = '{"input": "ok", "outputs": [{"text": "a\\u0000b"}]}';
    const { result, stored } = await importText(p, Buffer.concat([Buffer.from(jsonl(good(1))), raw, Buffer.from(`\n${escaped}\n${jsonl(good(4))}`)]));
    expect(result!.errors).toEqual([
      { line: 2, record: 2, field: null, message: "NUL byte at byte 13 (text cannot contain NUL)" },
      { line: 3, record: 3, field: "outputs.0.text", message: '"outputs.0.text": text cannot contain the NUL character (\\u0000)' },
    ]);
    expect(ids(stored)).toEqual(["good-1", "good-4"]);
  });

  it("JSON nested 10,000 deep, in JSON lines and in a JSON array", async () => {
    const p = await importProject();
    const deep = `{"input": "x", "outputs": [{"text": "y"}], "metadata": {"deep": ${"[".repeat(10_000)}${"]".repeat(10_000)}}}`;
    const lines = await importText(p, `${jsonl(good(1))}${deep}\n${jsonl(good(3))}`);
    expect(lines.result!.errors).toEqual([{ line: 2, record: 2, field: null, message: "JSON nested deeper than 64 levels" }]);
    expect(ids(lines.stored)).toEqual(["good-1", "good-3"]);

    const q = await importProject();
    const array = await importText(q, `[\n${JSON.stringify(good(1))},\n${deep},\n${JSON.stringify(good(3))}\n]`);
    expect(array.result!.errors).toEqual([{ line: 3, record: 2, field: null, message: "JSON nested deeper than 64 levels" }]);
    expect(ids(array.stored)).toEqual(["good-1", "good-3"]);
  });

  it("an empty file (also gzipped, or only a BOM and blank lines) is an error that says so", async () => {
    const p = await importProject();
    for (const content of [Buffer.alloc(0), gzipSync(Buffer.alloc(0)), Buffer.from("\ufeff\n  \n")]) {
      const { result, failure } = await importText(p, content);
      expect(result).toBeUndefined();
      expect(failure).toMatchObject({ message: "The file is empty.", status: 400, reason: "empty" });
    }
    const onlyHeader = await importText(p, "prompt,output\n", { format: "generic" });
    expect(onlyHeader.failure).toMatchObject({ message: "The file has a header row but no data rows.", status: 400 });
  });

  it("a CSV with an unclosed quote: the rows before it go in, and the error says where", async () => {
    const p = await importProject();
    const csv = 'prompt,output\n"Hello, there",Hi\nSecond,Two\nThird,"never closed\nlost,row\n';
    const { result, stored } = await importText(p, csv, { format: "generic" });
    expect(result).toMatchObject({ received: 3, inserted: 2, rejected: 1, fileType: "csv" });
    expect(result!.errors).toEqual([{ line: 4, record: 3, field: null, message: "a quoted field is not closed before the end of the file" }]);
    expect(stored.map((s) => s.input)).toEqual([
      { type: "text", text: "Hello, there" },
      { type: "text", text: "Second" },
    ]);
  });

  it("an input over the upload limit stops with 413; the rows before the limit stay in", async () => {
    const p = await importProject();
    const rows = Array.from({ length: 40 }, (_, i) => good(i));
    const { result, failure, stored } = await importText(p, jsonl(...rows), { limits: { maxBytes: 1024 } });
    expect(result).toBeUndefined();
    expect(failure?.status).toBe(413);
    expect(failure?.message).toMatch(/^The upload is larger than the 1 KB limit\./);
    expect(stored.length).toBe(failure!.summary.inserted);
  });

  it("more rows than one JSON-array request takes: nothing goes in, and the answer says how to send more", async () => {
    const p = await importProject();
    const rows = Array.from({ length: 1001 }, (_, i) => good(i));
    await expect(addItems(db, p.actor, p.projectId, rows)).rejects.toThrow(
      new ValidationError("Send at most 1,000 items per JSON array request; stream application/x-ndjson for more."),
    );
    const { stored } = await importText(p, "");
    expect(stored).toEqual([]);
  });
});

describe("whole-file outcomes", () => {
  it("all or nothing: one bad row and nothing is written, with every bad row listed", async () => {
    const p = await importProject();
    const { result, failure, stored } = await importText(p, jsonl(good(1), { input: "x" }, good(3), "{oops"), { policy: "all-or-nothing" });
    expect(result).toBeUndefined();
    expect(failure).toMatchObject({ status: 422, message: "Nothing was imported: 2 of 4 rows are bad, and the import is all or nothing." });
    expect(failure!.summary.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(stored).toEqual([]);

    const fine = await importText(p, jsonl(good(1), good(2)), { policy: "all-or-nothing" });
    expect(fine.result).toMatchObject({ inserted: 2, rejected: 0 });
  });

  it("a file with no mappable rows is an error that says so, with a hint at the preset the rows look like", async () => {
    const p = await importProject();
    const { failure } = await importText(p, jsonl({ instruction: "a", output: "b", generator: "m" }, { instruction: "c", output: "d", generator: "m" }));
    expect(failure).toMatchObject({
      status: 422,
      message: "No row could be imported: all 2 rows were rejected. The rows look like the alpaca-eval format: try format alpaca-eval.",
    });
  });

  it("counts every bad row but keeps the first 1,000 (stored for the CSV download)", async () => {
    const p = await importProject();
    const rows = [good(0), ...Array.from({ length: 1500 }, () => ({ input: "x" }))];
    const { result } = await importItemsTracked(p, jsonl(...rows));
    expect(result).toMatchObject({ received: 1501, inserted: 1, rejected: 1500 });
    expect(result.errors).toHaveLength(1000);
    expect(result.errors.at(-1)).toMatchObject({ line: 1001 });
    const [row] = await db.select().from(imports).where(eq(imports.id, result.importId!));
    expect(row).toMatchObject({ state: "succeeded", received: 1501, inserted: 1, rejected: 1500 });
    const stored = await db.select().from(importErrors).where(eq(importErrors.importId, result.importId!)).orderBy(importErrors.seq);
    expect(stored).toHaveLength(1000);
    expect(stored[0]).toMatchObject({ seq: 1, line: 2, field: "outputs", message: '"outputs" is missing' });
    expect(stored.at(-1)).toMatchObject({ seq: 1000, line: 1001 });
  });
});

async function importItemsTracked(p: Awaited<ReturnType<typeof importProject>>, content: string) {
  const { importItems } = await import("./import-items.server");
  const { bytesInput } = await import("./test-helpers");
  const result = await importItems(db, p.actor, { projectId: p.projectId, input: bytesInput(content, 4096), origin: "cli", track: { fileName: "rows.jsonl" } });
  return { result };
}
