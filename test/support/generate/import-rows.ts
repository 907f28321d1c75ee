import fs from "node:fs";
import { contentKeys } from "~/modules/imports/prepare-row.server";
import type { Corpus } from "./corpus";
import { seededRandom } from "./random";

export type RowFiles = { rows: number; jsonlBytes: number; copyBytes: number };

// why: cut by code points, so no emoji is split into a lone surrogate.
const cut = (text: string, from: number, length: number) => Array.from(text.replaceAll("\u0000", "")).slice(from, from + length).join("");

/**
 * Writes `rows` realistic items as JSONL (what the importer reads) and the same items in COPY
 * text format (what the baseline loads), streaming, so neither file is ever held in memory.
 * Row n pairs a prompt cut from one corpus record with an answer cut from another (seeded), and
 * numbers both, so every row is distinct; lines are 300–600 bytes.
 */
export async function writeRowFiles(options: { corpus: Corpus; projectId: string; rows: number; seed: number; jsonl: string; copy: string; externalIds: boolean; onProgress?: (n: number) => void }): Promise<RowFiles> {
  const random = seededRandom(options.seed);
  const records = options.corpus.records;
  const pick = () => records[Math.floor(random() * records.length)]!;
  const jsonl = fs.createWriteStream(options.jsonl);
  const copy = fs.createWriteStream(options.copy);
  let jsonlBytes = 0;
  let copyBytes = 0;
  const write = async (stream: fs.WriteStream, text: string) => {
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
  };
  let jsonlChunk = "";
  let copyChunk = "";
  for (let n = 1; n <= options.rows; n++) {
    const prompt = pick();
    const answer = pick();
    const input = `${cut(prompt.instruction, 0, 60 + Math.floor(random() * 140))} (#${n})`;
    const output = cut(answer.output, Math.floor(random() * 40), 120 + Math.floor(random() * 260));
    const metadata = { dataset: prompt.dataset, latencyMs: 150 + Math.floor(random() * 4000), tokens: 20 + Math.floor(random() * 600) };
    const row = { input, outputs: [{ text: output, model: answer.model }], metadata, ...(options.externalIds ? { externalId: `bench-${n}` } : {}) };
    const line = `${JSON.stringify(row)}\n`;
    jsonlChunk += line;
    // The baseline loads what the importer writes per row: external_id, input_key, outputs_key, input, outputs, metadata.
    const keys = contentKeys(options.projectId, { input, outputs: row.outputs });
    copyChunk += `${options.externalIds ? `bench-${n}` : "\\N"}\t${keys.inputKey}\t${keys.outputsKey}\t${copyText(JSON.stringify({ type: "text", text: input }))}\t${copyText(JSON.stringify(row.outputs))}\t${copyText(JSON.stringify(metadata))}\n`;
    if (n % 5000 === 0 || n === options.rows) {
      jsonlBytes += Buffer.byteLength(jsonlChunk);
      copyBytes += Buffer.byteLength(copyChunk);
      await write(jsonl, jsonlChunk);
      await write(copy, copyChunk);
      jsonlChunk = copyChunk = "";
      options.onProgress?.(n);
    }
  }
  await Promise.all([new Promise((r) => jsonl.end(r)), new Promise((r) => copy.end(r))]);
  return { rows: options.rows, jsonlBytes, copyBytes };
}

/** A value in COPY's text format: backslash, newline, carriage return and tab escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}
