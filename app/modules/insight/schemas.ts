import { z } from "zod";
import { datasetFilterSchema, type DatasetFilter } from "~/modules/datasets/schemas";

/**
 * The dashboards' question, as the page's GET form and the metrics API both send it (every field
 * a query parameter). Browser-safe.
 */
const field = /^metadata\.[\w.-]{1,100}$/;
const emptyIsAbsent = (v: unknown) => (v === "" ? undefined : v);
const date = z.preprocess(emptyIsAbsent, z.iso.date({ error: "Expected a date as YYYY-MM-DD." }).optional());

export const metricsQuerySchema = z
  .object({
    groupBy: z.preprocess(
      emptyIsAbsent,
      z
        .string()
        .refine((v) => ["model", "promptVersion", "import"].includes(v) || field.test(v), { error: "Expected groupBy to be model, promptVersion, import or metadata.<field>." })
        .default("model"),
    ),
    interval: z.preprocess(emptyIsAbsent, z.enum(["day", "week"], { error: "Expected interval to be day or week." }).optional()),
    segment: z.preprocess(emptyIsAbsent, z.string().regex(field, { error: "Expected segment to be metadata.<field> (letters, digits, _ . -)." }).optional()),
    from: date.describe("first day of answers' submission (UTC), inclusive"),
    to: date.describe("last day of answers' submission (UTC), inclusive"),
    minCount: z.preprocess(
      emptyIsAbsent,
      z.coerce.number({ error: "Expected a whole number." }).int({ error: "Expected a whole number." }).min(1, { error: "At least 1." }).max(100_000).default(30),
    ),
    filter: z
      .preprocess(emptyIsAbsent, z.string().max(20_000).optional())
      .describe("the dataset filter as JSON (the shape of a dataset's `filter`); status defaults to any here"),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: "The start date is after the end date.", path: ["to"] });
export type MetricsQuery = z.output<typeof metricsQuerySchema>;

/** The dataset filter a query carries; items of every status unless it says otherwise. */
export function filterOf(query: Pick<MetricsQuery, "filter">): { filter: DatasetFilter } | { error: string } {
  let raw: unknown = {};
  if (query.filter) {
    try {
      raw = JSON.parse(query.filter);
    } catch {
      return { error: "filter: expected JSON." };
    }
  }
  const parsed = datasetFilterSchema.safeParse({ status: "any", ...(typeof raw === "object" && raw !== null ? raw : {}) });
  if (!parsed.success) return { error: `filter: ${parsed.error.issues.map((i) => `${i.path.join(".") || "filter"}: ${i.message}`).join("; ")}` };
  return { filter: parsed.data };
}

/** The page's GET form: group by a kind (or "metadata" with `groupField`), segment by `segmentField`. */
export type PageForm = { groupBy: string; groupField: string; segmentField: string; interval: string; from: string; to: string; minCount: string };

/**
 * The page's form fields as the API's query (the page and the API then compute the same report),
 * plus the form as it should be shown again.
 */
export function pageQuery(search: URLSearchParams): { query: MetricsQuery; form: PageForm; error: string | null } {
  const get = (name: string) => (search.get(name) ?? "").trim();
  const form: PageForm = {
    groupBy: get("groupBy") || "model",
    groupField: get("groupField"),
    segmentField: get("segmentField"),
    interval: get("interval"),
    from: get("from"),
    to: get("to"),
    minCount: get("minCount"),
  };
  const groupBy = form.groupBy === "metadata" ? (form.groupField ? `metadata.${form.groupField}` : "") : form.groupBy;
  const raw = { groupBy, interval: form.interval, segment: form.segmentField ? `metadata.${form.segmentField}` : "", from: form.from, to: form.to, minCount: form.minCount };
  const parsed = metricsQuerySchema.safeParse(raw);
  if (parsed.success && groupBy) return { query: parsed.data, form, error: null };
  const message = parsed.success ? "" : parsed.error.issues.map((i) => i.message).join(" ");
  return { query: metricsQuerySchema.parse({}), form, error: form.groupBy === "metadata" && !form.groupField ? "Name the metadata field to group by." : message };
}

/** The API query string of a page form (for the CSV links and "the same figures from the API"). */
export function apiSearch(query: MetricsQuery): string {
  const params = new URLSearchParams({ groupBy: query.groupBy });
  if (query.interval) params.set("interval", query.interval);
  if (query.segment) params.set("segment", query.segment);
  if (query.from) params.set("from", query.from);
  if (query.to) params.set("to", query.to);
  if (query.minCount !== 30) params.set("minCount", String(query.minCount));
  return params.toString();
}
