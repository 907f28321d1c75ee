import { describe, expect, it } from "vitest";
import { CopyBatch } from "./copy-batch.server";
import { prepareRow, type PreparedRow } from "./prepare-row.server";

const PROJECT = "0b7a1c2e-3d4f-4a5b-8c6d-7e8f9a0b1c2d";
const texts = ["plain", "a\ttab, a\nnewline, a\rreturn", "\\N", "back\\slash \\t \\\\", "emoji 😀, 你好", "\\."];

function prepared(text: string, i: number, extra: Partial<Parameters<typeof prepareRow>[0]> = {}): PreparedRow {
  const row = prepareRow(
    { input: `${text} ${i}`, outputs: [{ text, model: "m" }], reference: text, metadata: { [text]: [1, text] }, priority: i, suggestions: [], ...extra },
    i + 1,
    i + 1,
    PROJECT,
  );
  if ("problem" in row) throw new Error(row.problem.message);
  return row;
}

const lines = (batch: CopyBatch, skip?: Set<number>) => Buffer.concat([...batch.data(skip)]).toString("utf8").split("\n").slice(0, -1);

describe("CopyBatch", () => {
  it("reads every row back as it was prepared (the row-by-row retry after a refused COPY)", () => {
    const batch = new CopyBatch(PROJECT, "upload\tfile", false);
    const rows = texts.map((t, i) => prepared(t, i, i === 2 ? { externalId: "ext\t2", gold: { q: "a\nb" } } : {}));
    for (const row of rows) batch.add(row);
    rows.forEach((row, i) => {
      const back = batch.row(i);
      expect(back).toEqual({ ...row, suggestions: [], size: back.size });
    });
    // One line per row, thirteen columns each (the status last): escapes never leak a tab or a newline.
    expect(lines(batch).map((l) => l.split("\t").length)).toEqual(texts.map(() => 13));
  });

  it("drops a key met again in the batch, and leaves out the rows it is told to skip", () => {
    const batch = new CopyBatch(PROJECT, "api", true);
    const rows = Array.from({ length: 5 }, (_, i) => prepared("row", i));
    for (const row of [...rows, rows[1]!, rows[3]!]) batch.add(row);
    expect({ received: batch.received, rows: batch.rows.length, repeats: batch.repeats }).toEqual({ received: 7, rows: 5, repeats: 2 });
    const kept = lines(batch, new Set([0, 2]));
    expect(kept.map((l) => JSON.parse(l.split("\t")[4]!).text)).toEqual(["row 1", "row 3", "row 4"]);
    // A random-order project's rows carry a random queue key; the last column.
    expect(kept.every((l) => /^\d+$/.test(l.split("\t")[11]!))).toBe(true);
  });

  it("gives a row larger than a chunk a chunk of its own", () => {
    const batch = new CopyBatch(PROJECT, "api", false);
    const big = "x".repeat(400 * 1024);
    const rows = [prepared("small", 0), prepared(big, 1), prepared("small", 2)];
    for (const row of rows) batch.add(row);
    expect(lines(batch).map((l) => JSON.parse(l.split("\t")[5]!)[0].text.length)).toEqual([5, big.length, 5]);
    expect(batch.row(1).reference).toBe(big);
  });
});
