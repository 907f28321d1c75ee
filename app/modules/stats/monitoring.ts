/**
 * Monitoring and fairness helpers over figures that already carry intervals: a change detector
 * for a series of periods, and the gaps between segments (language, region, tier…) with a
 * minimum-count guard. Both are pure and work on any Estimate (Wilson, t, bootstrap).
 */
import type { Estimate } from "./estimate";

export type PeriodPoint = { period: string; estimate: Estimate };

export type ChangeMark =
  | { period: string; change: "up" | "down" | "none"; previous: string }
  | { period: string; change: null; reason: string };

/**
 * Marks each period whose estimate lies outside the previous period's interval: "up" above it,
 * "down" below it, "none" inside. The first period, and any period where this or the previous
 * figure (or the previous interval) is undefined, gets `change: null` and the reason. This is a
 * screening rule, not a test: with many periods some marks are expected by chance.
 */
export function markChanges(series: readonly PeriodPoint[]): ChangeMark[] {
  return series.map((point, i) => {
    if (i === 0) return { period: point.period, change: null, reason: "The first period has nothing before it to compare with." };
    const previous = series[i - 1]!;
    if (point.estimate.value === null) return { period: point.period, change: null, reason: `No figure for ${point.period}: ${point.estimate.reason}` };
    if (previous.estimate.interval === null) {
      return { period: point.period, change: null, reason: `${previous.period} has no interval to compare with: ${previous.estimate.reason ?? previous.estimate.intervalReason}` };
    }
    const { low, high } = previous.estimate.interval;
    const value = point.estimate.value;
    return { period: point.period, change: value > high ? "up" : value < low ? "down" : "none", previous: previous.period };
  });
}

export type SegmentInput = { segment: string; n: number; estimate: Estimate };

export type SegmentGap =
  | { segment: string; n: number; status: "too-few"; reason: string }
  | { segment: string; n: number; status: "undefined"; reason: string }
  | {
      segment: string;
      n: number;
      status: "compared";
      value: number;
      /** value − best; 0 for the best segment. */
      gap: number;
      /** value / best, null when the best value is 0. */
      ratio: number | null;
      best: boolean;
      /** The interval overlaps no other compared segment's interval. */
      separated: boolean | null;
    };

/**
 * Each segment's gap and ratio to the best segment (the highest value, or the lowest with
 * `higherIsBetter: false`). Segments with fewer than `minCount` answers (30 by default) are
 * "too few answers to say" and take no part; the best is chosen among the rest. A segment is
 * `separated` when its interval overlaps none of the other compared segments' intervals (null when
 * it has no interval or no other segment has one) — a sign of a real difference worth a look,
 * not a significance test.
 */
export function segmentGaps(segments: readonly SegmentInput[], options: { minCount?: number; higherIsBetter?: boolean } = {}): SegmentGap[] {
  const minCount = options.minCount ?? 30;
  const higherIsBetter = options.higherIsBetter ?? true;
  const compared = segments.filter((s) => s.n >= minCount && s.estimate.value !== null);
  const values = compared.map((s) => s.estimate.value!);
  const best = values.length ? (higherIsBetter ? Math.max(...values) : Math.min(...values)) : null;
  return segments.map((s) => {
    if (s.n < minCount) return { segment: s.segment, n: s.n, status: "too-few", reason: `Too few answers to say (${s.n}; at least ${minCount} needed).` };
    if (s.estimate.value === null || best === null) return { segment: s.segment, n: s.n, status: "undefined", reason: s.estimate.reason ?? "No figure." };
    const value = s.estimate.value;
    const others = compared.filter((o) => o !== s && o.estimate.interval !== null);
    const own = s.estimate.interval;
    const separated = own === null || others.length === 0 ? null : others.every((o) => o.estimate.interval!.high < own.low || o.estimate.interval!.low > own.high);
    return { segment: s.segment, n: s.n, status: "compared", value, gap: value - best, ratio: best === 0 ? null : value / best, best: value === best, separated };
  });
}
