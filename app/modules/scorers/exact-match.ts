/**
 * Exact match after a fixed normalisation: Unicode NFC, line endings as \n, every run of
 * whitespace as one space, no leading or trailing whitespace; case is kept unless
 * `ignoreCase` (then both sides are lower-cased with toLocaleLowerCase("und")).
 */
import type { Metric } from "~/modules/stats/estimate";

export function normalizeForExactMatch(text: string, options: { ignoreCase?: boolean } = {}): string {
  const normalized = text.normalize("NFC").replace(/\s+/gu, " ").trim();
  return options.ignoreCase ? normalized.toLocaleLowerCase("und") : normalized;
}

/** 1 when output and reference are equal after normalisation, else 0. */
export function exactMatch(output: string, reference: string, options: { ignoreCase?: boolean } = {}): Metric {
  return { value: normalizeForExactMatch(output, options) === normalizeForExactMatch(reference, options) ? 1 : 0, reason: null };
}
