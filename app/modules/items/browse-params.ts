import { parseBuilderForm } from "~/modules/datasets/builder-form";
import type { DatasetFilterInput } from "~/modules/datasets/schemas";
import type { Question } from "~/modules/questions";
import type { FormFields } from "~/modules/questions/types";
import { kindOf } from "~/modules/questions";
import { DEFAULT_COLUMNS, itemColumns, PAGE_SIZES, type BulkRequest, type ItemColumn, type ItemQueryInput } from "./schemas";

/** The search params the data manager keeps its state in, besides the dataset builder's filter fields. */
export const OWN_PARAMS = ["q", "state", "sort", "dir", "limit", "after", "before", "cols"] as const;

export type BrowseParams = {
  query: ItemQueryInput;
  filter: DatasetFilterInput;
  columns: ItemColumn[];
  metaKeys: string[];
  limit: number;
  after?: string;
  before?: string;
};

const blank = (v: string | null) => (v === null || v.trim() === "" ? undefined : v.trim());

/**
 * The data manager's URL as a browse: its own params, and the dataset filter read by the dataset
 * builder's form reader (one filter language), with the consensus status "any" unless chosen.
 */
export function readBrowseParams(params: URLSearchParams): BrowseParams {
  const { filter } = parseBuilderForm(params);
  if (!blank(params.get("status"))) filter.status = "any";
  const cols = params.getAll("cols").flatMap((c) => c.split(",")).filter(Boolean);
  const columns = cols.length ? itemColumns.filter((c) => cols.includes(c)) : DEFAULT_COLUMNS;
  const metaKeys = cols.filter((c) => c.startsWith("meta:")).map((c) => c.slice(5)).filter((k) => /^[\w.-]{1,100}$/.test(k)).slice(0, 10);
  const size = Number(params.get("limit"));
  return {
    query: { q: blank(params.get("q")), state: blank(params.get("state")) as ItemQueryInput["state"], sort: blank(params.get("sort")) as ItemQueryInput["sort"], dir: blank(params.get("dir")) as ItemQueryInput["dir"] },
    filter,
    columns,
    metaKeys,
    limit: (PAGE_SIZES as readonly number[]).includes(size) ? size : 50,
    after: blank(params.get("after")),
    before: blank(params.get("before")),
  };
}

/** The same browse with another page cursor (or none: the first page). */
export function withCursor(search: string, cursor: { after?: string; before?: string }): string {
  const params = new URLSearchParams(search);
  params.delete("after");
  params.delete("before");
  if (cursor.after) params.set("after", cursor.after);
  if (cursor.before) params.set("before", cursor.before);
  return `?${params}`;
}

/** Kinds the gold form asks with plain fields; the others (pairwise, spans) take their gold answer through the API. */
export const goldFormKinds = ["rating", "thumbs", "choice", "flags", "correction", "text"] as const;

/** The gold answer posted by the data manager's gold form (fields `gold.<key>`), read by each kind's form reader. */
export function readGoldForm(questions: Question[], fields: FormFields): Record<string, unknown> {
  const gold: Record<string, unknown> = {};
  for (const q of questions) {
    if (!(goldFormKinds as readonly string[]).includes(q.kind)) continue;
    const value = kindOf(q).readForm(q, `gold.${q.key}`, fields, { outputs: [], unchangedCorrectionIsNoAnswer: false });
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) gold[q.key] = value;
  }
  return gold;
}

/**
 * The data manager's bulk form as a bulk request: the checked `ids`, or with scope "all" every item
 * the page's browse (`search`, its query string) matches; the action from the button pressed.
 */
export function readBulkForm(form: { text(name: string): string; optional(name: string): string | undefined; all(name: string): string[] }, questions: Question[]): BulkRequest {
  const browse = readBrowseParams(new URLSearchParams(form.text("search")));
  const selection: BulkRequest["selection"] =
    form.text("scope") === "all" ? { query: { q: browse.query.q, state: browse.query.state }, filter: browse.filter } : { ids: form.all("ids").map(Number) };
  const intent = form.text("intent");
  const actions: Record<string, () => BulkRequest["action"]> = {
    // why: an empty box is no number (Number("") is 0); NaN makes the schema name the field.
    priority: () => ({ action: "priority", priority: form.text("priority") === "" ? Number.NaN : Number(form.text("priority")) }),
    requeue: () => ({ action: "requeue", more: form.text("more") === "" ? 1 : Number(form.text("more")) }),
    gold: () => ({ action: "gold", gold: readGoldForm(questions, { text: form.optional, list: form.all }), explanation: form.optional("explanation") }),
    delete: () => ({ action: "delete", confirmCount: Number(form.text("confirmCount")) }),
  };
  return { selection, action: (actions[intent] ?? (() => ({ action: intent }) as unknown as BulkRequest["action"]))() };
}
