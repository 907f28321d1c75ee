import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { imports } from "~db/schema";
import { db } from "~/db.server";
import { gzipBomb } from "~test/support/gzip-bomb";
import { ImportFailedError, importItems } from "./import-items.server";
import { importProject, importText, storedItems } from "./test-helpers";

const KB = 1024;
const csvRows = (n: number, eol = "\n") =>
  Array.from({ length: n }, (_, i) => `"Prompt ${i}, with a comma and ""quotes""","Answer ${i}${i % 7 === 0 ? `${eol}on two lines` : ""}"`).join(eol) + eol;

describe("a CSV record over the limits stops the import there, before it is held", () => {
  it("a quote left open: the rows before it go in, the error names the line and the limit, and the rest is not read", async () => {
    const p = await importProject();
    const rest = `${"x".repeat(200 * KB)}\nnever,read\n`.repeat(5);
    const csv = `prompt,output\nFirst,One\n"Second",Two\nThird,"never closed ${rest}`;
    const { failure, stored } = await importText(p, csv, { format: "generic", limits: { maxRecordBytes: KB } });
    expect(failure).toMatchObject({ status: 413, reason: "too-large" });
    expect(failure!.message).toBe(
      "Stopped at line 4: the record is longer than the 1 KB limit; the rest of the file was not read (is a quote left open?). " +
        "The rows before it that could be read are in; fix the file and import it again (rows already in are skipped).",
    );
    expect(failure!.summary).toMatchObject({ received: 3, inserted: 2, rejected: 1, lastLine: 4 });
    expect(failure!.summary.errors).toEqual([
      { line: 4, record: 3, field: null, message: "the record is longer than the 1 KB limit; the rest of the file was not read (is a quote left open?)" },
    ]);
    expect(failure!.summary.bytesRead).toBeLessThan(10 * KB);
    expect(stored.map((s) => s.input)).toEqual([
      { type: "text", text: "First" },
      { type: "text", text: "Second" },
    ]);
  });

  it("a line of delimiters (empty fields, which csv-parse's own limit does not count) stops at 10,000 fields", async () => {
    const p = await importProject();
    const csv = `prompt,output\nFirst,One\nSecond,${",".repeat(100_000)}\nThird,Three\n`;
    const { failure, stored } = await importText(p, csv, { format: "generic" });
    expect(failure).toMatchObject({ status: 413, message: expect.stringMatching(/^Stopped at line 3: the record has more than 10,000 fields; the rest of the file was not read/) });
    expect(failure!.summary).toMatchObject({ received: 2, inserted: 1, rejected: 1 });
    expect(stored).toHaveLength(1);
  });

  it("many fields each under the limit count together (csv-parse does not count Buffer fields)", async () => {
    const p = await importProject();
    const field = "y".repeat(600);
    const csv = `prompt,output\nFirst,One\n${Array.from({ length: 20 }, () => field).join(",")}\n`;
    const { failure } = await importText(p, csv, { format: "generic", limits: { maxRecordBytes: 4 * KB } });
    expect(failure).toMatchObject({ status: 413, message: expect.stringMatching(/^Stopped at line 3: the record is longer than the 4 KB limit/) });
  });

  it("a header row over the limit (zeros, no line end): nothing is read", async () => {
    const p = await importProject();
    const { failure, stored } = await importText(p, gzipSync(Buffer.alloc(64 * KB)), { fileType: "csv", limits: { maxRecordBytes: 4 * KB } });
    expect(failure).toMatchObject({ status: 413, message: "line 1: the header row is longer than the 4 KB limit, so the file was not read (is it CSV?)" });
    expect(stored).toEqual([]);
  });

  it("records within the limits never stop a file, whatever it holds in all: quoted commas, doubled quotes, line ends in quotes; LF, CRLF or CR", async () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const p = await importProject();
      const csv = `prompt,output${eol}${csvRows(1000, eol)}`;
      expect(csv.length).toBeGreaterThan(50 * KB);
      const { result, stored } = await importText(p, csv, { format: "generic", limits: { maxRecordBytes: KB } });
      expect(result).toMatchObject({ received: 1000, inserted: 1000, rejected: 0 });
      expect(stored[7]!.outputs).toEqual([{ text: `Answer 7${eol}on two lines` }]);
    }
  });

  it("the line it stops at counts lines as the reader does, past quoted line ends and bad rows", async () => {
    const p = await importProject();
    const csv = `prompt,output\n"Two\nlines",x\nthree,fields,here\nOk,y\n"open ${"z".repeat(4 * KB)}`;
    const { failure } = await importText(p, csv, { format: "generic", limits: { maxRecordBytes: KB } });
    expect(failure!.summary.errors.map((e) => e.line)).toEqual([4, 6]);
    expect(failure!.message).toMatch(/^Stopped at line 6: /);
  });
});

describe("a gzipped input may inflate to the decompressed-size limit, no more", () => {
  it("413 naming the limit; the rows before it are in, and the import's record says so", async () => {
    const p = await importProject();
    const rows = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ input: `Inflated ${i}`, outputs: [{ text: "x".repeat(40) }] })).join("\n");
    let failure: ImportFailedError | undefined;
    await importItems(db, p.actor, {
      projectId: p.projectId,
      input: { open: async function* () { yield gzipSync(rows); } },
      origin: "cli",
      limits: { maxInflatedBytes: 128 * KB },
      track: { fileName: "rows.jsonl.gz" },
    }).catch((error: unknown) => (failure = error as ImportFailedError));
    const { summary } = failure!;
    expect(failure).toMatchObject({ status: 413, reason: "too-large" });
    expect(failure!.message).toBe(`The decompressed input is larger than the 128 KB limit. Rows up to line ${summary.lastLine} are in.`);
    const stored = await storedItems(p.projectId);
    expect(summary.inserted).toBe(stored.length);
    expect(summary.lastLine).toBe(stored.length);
    // The rows read before the limit are written, not only the batches committed by then.
    expect(stored.length).toBeGreaterThan(1000);
    const [row] = await db.select().from(imports).where(eq(imports.id, summary.importId!));
    expect(row).toMatchObject({ state: "failed", inserted: stored.length, message: failure!.message });
  });

  it("an import that is aborted stops reading at once, even inside a line that never ends", async () => {
    const p = await importProject();
    const client = new AbortController();
    let pulled = 0;
    const bomb = gzipBomb({ inflatedBytes: 4 * 1024 ** 3 });
    let error: unknown;
    await importItems(db, p.actor, {
      projectId: p.projectId,
      origin: "api",
      fileType: "jsonl",
      signal: client.signal,
      input: {
        open: async function* () {
          for (const chunk of bomb.chunks()) {
            // why: the client goes away once the import is well inside the line that never ends.
            if (++pulled === 20) client.abort(new DOMException("The client closed the connection.", "AbortError"));
            yield chunk;
          }
        },
      },
    }).catch((e: unknown) => (error = e));
    expect(error).toMatchObject({ status: 503, reason: "stopped", message: "Stopped before the end. The client closed the connection." });
    // Read-ahead takes a few more of the 257 gzip members; reading on would take them all.
    expect(pulled).toBeLessThan(40);
  });
});
