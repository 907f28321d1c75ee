import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import type { ParsedItem } from "~/modules/items/schemas";
import { ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { ImportInputError } from "./bytes.server";
import { MAX_JSON_DEPTH } from "./import-items.server";
import { mapRow, resolveTargets } from "./map-row";
import { suggestPreset } from "./presets";
import { openRecords } from "./read-records.server";
import { importOptionsSchema, type ImportOptionsInput, type Preview, type PreviewRow } from "./schemas";

export type { Preview };

/** How much of a file the upload page sends for its preview. */
export const PREVIEW_BYTES = 256 * 1024;
const PREVIEW_ROWS = 10;
/** What a gzipped sample may inflate to: ten rows never need more. */
const PREVIEW_INFLATED_BYTES = 64 * PREVIEW_BYTES;

/**
 * The first rows of a file as the import would read them with these options: the same reader,
 * preset and checks, nothing written. `sample` is the file's first bytes (`truncated` when the
 * file goes on), so the last, possibly cut, row is left out.
 */
export async function previewImport(db: Db, actor: Actor, input: { projectId: string; sample: Uint8Array; truncated: boolean; options: ImportOptionsInput }): Promise<Preview> {
  await authorizeProject(db, actor, input.projectId, "items.import");
  const preview: Preview = { fileType: input.options.fileType ?? "jsonl", suggestedFormat: null, columns: [], rows: [] };
  try {
    const options = parseOrThrow(importOptionsSchema, input.options);
    const opened = await openRecords(one(input.sample), {
      fileType: options.fileType,
      limits: { maxRecordBytes: PREVIEW_BYTES, maxDepth: MAX_JSON_DEPTH, maxInflatedBytes: PREVIEW_INFLATED_BYTES },
      partial: input.truncated,
    });
    preview.fileType = opened.fileType;
    const targets = resolveTargets(await getTemplate(db, input.projectId), options);
    const columns = new Set<string>();
    for await (const raw of opened.records) {
      if (preview.rows.length > PREVIEW_ROWS) break;
      if ("problem" in raw) {
        preview.rows.push({ line: raw.line, fields: {}, problem: raw.problem });
        continue;
      }
      if (preview.rows.length === 0) preview.suggestedFormat = suggestPreset(raw.value) ?? null;
      const value = raw.value as Record<string, unknown>;
      if (typeof value === "object" && value !== null) for (const key of Object.keys(value)) columns.add(key);
      const mapped = mapRow(raw.value, options, targets);
      preview.rows.push({ line: raw.line, fields: cutFields(raw.value), ...("problem" in mapped ? { problem: mapped.problem } : { item: describeItem(mapped.item) }) });
    }
    preview.columns = [...columns];
  } catch (error) {
    if (!(error instanceof ImportInputError || error instanceof ValidationError)) throw error;
    if (preview.rows.length === 0) preview.error = error.message;
  }
  // why: a sample stops mid-file, and the row it stops in is not the file's.
  if (input.truncated && preview.rows.length > PREVIEW_ROWS) preview.rows.pop();
  else if (input.truncated && preview.rows.at(-1)?.problem) preview.rows.pop();
  preview.rows = preview.rows.slice(0, PREVIEW_ROWS);
  return preview;
}

async function* one(bytes: Uint8Array) {
  yield bytes;
}

const cut = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}…` : text);

function cutFields(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return { value: cut(JSON.stringify(value) ?? "") };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(typeof v === "string" ? v : (JSON.stringify(v) ?? ""))]));
}

function describeItem(item: ParsedItem): NonNullable<PreviewRow["item"]> {
  const input = typeof item.input === "string" ? item.input : item.input.messages.map((m) => `${m.role}: ${m.content}`).join("\n");
  return {
    input: cut(input, 300),
    outputs: item.outputs.map((o) => ({ text: cut(o.text, 300), model: o.model })),
    externalId: item.externalId,
    suggestions: item.suggestions.map((s) => `${s.question} = ${JSON.stringify(s.value)}`),
    gold: item.gold ? cut(JSON.stringify(item.gold)) : undefined,
  };
}
