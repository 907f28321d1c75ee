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
