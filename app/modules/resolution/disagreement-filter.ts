import { z } from "zod";
import type { DisagreementFilter } from "./queries.server";

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/** The disagreement list's filter as the URL carries it (agreement in percent). */
export const disagreementFilterSchema = z.object({
  question: z.preprocess(blankToUndefined, z.string().max(40).optional()),
  minSpread: z.preprocess(blankToUndefined, z.coerce.number({ error: "Expected a number of points." }).min(0, { error: "At least 0." }).optional()),
  maxAgreement: z.preprocess(blankToUndefined, z.coerce.number({ error: "Expected a percentage." }).min(0, { error: "From 0 to 100." }).max(100, { error: "From 0 to 100." }).optional()),
  show: z.preprocess(blankToUndefined, z.enum(["open", "adjudicated"]).optional()),
  after: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
});
export type DisagreementSearch = z.infer<typeof disagreementFilterSchema>;

/** The URL's filter as listDisagreements takes it (agreement as a share). */
export const toDisagreementFilter = (search: DisagreementSearch): DisagreementFilter => ({
  ...search,
  maxAgreement: search.maxAgreement === undefined ? undefined : search.maxAgreement / 100,
});

/** The filter part of a list URL (no page cursor), to carry from the list to an item and on to the next. */
export function filterQuery(search: Record<string, string>): string {
  const kept = Object.entries(search).filter(([key, value]) => key !== "after" && value !== "" && key in disagreementFilterSchema.shape);
  return kept.length ? `?${new URLSearchParams(kept)}` : "";
}
