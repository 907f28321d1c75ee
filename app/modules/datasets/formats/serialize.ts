import { csvLine } from "~/utils/csv";
import type { FrozenAnnotation } from "./frozen";
import type { ChatRecord, ClassRecord, ItemFormat, PairRecord } from "./rows";

// why: only the cells that need it are quoted (the file reads like any pandas CSV), formula-safe.
export const CSV_HEADER = csvLine(["text", "label", "split"], "as-needed");

const assistant = (content: string) => [{ role: "assistant", content }];

/** The bytes of one record in a line-based format (a JSONL line, or a CSV row), newline included. */
export function renderRecord(format: Exclude<ItemFormat, "parquet">, record: unknown): string {
  switch (format) {
    case "openai-chat":
      return `${JSON.stringify({ messages: (record as ChatRecord).messages })}\n`;
    case "openai-preference": {
      const p = record as PairRecord;
      return `${JSON.stringify({ input: { messages: p.prompt }, preferred_output: assistant(p.chosen), non_preferred_output: assistant(p.rejected) })}\n`;
    }
    case "dpo": {
      // why: TRL reads a plain prompt as standard text, and a chat as the conversational format.
      const p = record as PairRecord;
      const line = p.promptText !== null ? { prompt: p.promptText, chosen: p.chosen, rejected: p.rejected } : { prompt: p.prompt, chosen: assistant(p.chosen), rejected: assistant(p.rejected) };
      return `${JSON.stringify(line)}\n`;
    }
    case "classification-jsonl": {
      const c = record as ClassRecord;
      return `${JSON.stringify({ text: c.text, label: c.label, split: c.split })}\n`;
    }
    case "classification-csv": {
      const c = record as ClassRecord;
      return csvLine([c.text, c.label, c.split], "as-needed");
    }
  }
}

export function renderAnnotation(a: FrozenAnnotation): string {
  return `${JSON.stringify({
    item_id: a.itemId,
    split: a.split,
    reviewer: a.reviewer,
    values: a.values,
    template_version: a.templateVersion,
    duration_ms: a.durationMs,
    submitted_at: a.submittedAt,
    updated_at: a.updatedAt,
  })}\n`;
}

export const formatFiles: Record<ItemFormat | "annotations-jsonl", { extension: string; contentType: string }> = {
  "openai-chat": { extension: "jsonl", contentType: "application/x-ndjson; charset=utf-8" },
  "openai-preference": { extension: "jsonl", contentType: "application/x-ndjson; charset=utf-8" },
  dpo: { extension: "jsonl", contentType: "application/x-ndjson; charset=utf-8" },
  "classification-csv": { extension: "csv", contentType: "text/csv; charset=utf-8" },
  "classification-jsonl": { extension: "jsonl", contentType: "application/x-ndjson; charset=utf-8" },
  parquet: { extension: "parquet", contentType: "application/vnd.apache.parquet" },
  "annotations-jsonl": { extension: "jsonl", contentType: "application/x-ndjson; charset=utf-8" },
};
