import { describe, expect, it } from "vitest";
import reference from "./fixtures/mean.json";
import { addValue, emptySummary, meanInterval, mergeSummaries, summarize, summaryFromSums } from "./mean";

describe("mean with a Student t interval", () => {
  // Reference: scipy 1.10.1 t.interval(level, n − 1, loc=mean, scale=sem(x)), computed once by
  // fixtures/make-fixtures.py on the samples stored beside the values. The bounds agree to 1e-8,
  // the accuracy of scipy's own t quantile (see distributions.test.ts).
  it("matches scipy t.interval on small, skewed and large samples at 90, 95 and 99%", () => {
    const samples = reference.samples as Record<string, number[]>;
    for (const [name, rows] of Object.entries(reference.intervals as Record<string, number[][]>)) {
      const s = summarize(samples[name]!);
      for (const [level, mean, low, high] of rows as [number, number, number, number][]) {
        const r = meanInterval(s, { level });
        expect(r.value).toBeCloseTo(mean, 12);
        expect(r.interval!.low).toBeCloseTo(low, 8);
        expect(r.interval!.high).toBeCloseTo(high, 8);
        expect(r.interval!.method).toBe("Student t");
      }
    }
  });

  it("gives the same interval from merged partial summaries as from the whole list", () => {
    const values = (reference.samples as Record<string, number[]>).skewed!;
    const whole = meanInterval(summarize(values));
    const merged = meanInterval(mergeSummaries(summarize(values.slice(0, 20)), mergeSummaries(summarize(values.slice(20, 21)), summarize(values.slice(21)))));
    expect(merged.value).toBeCloseTo(whole.value!, 12);
    expect(merged.interval!.low).toBeCloseTo(whole.interval!.low, 10);
    expect(merged.interval!.high).toBeCloseTo(whole.interval!.high, 10);
  });

  it("gives the same interval from a rollup's count, Σx and Σx²", () => {
    const values = (reference.samples as Record<string, number[]>).ratings1to5!;
    const fromSums = meanInterval(summaryFromSums(values.length, values.reduce((s, v) => s + v, 0), values.reduce((s, v) => s + v * v, 0)));
    const [, mean, low, high] = (reference.intervals as Record<string, number[][]>).ratings1to5![0]!;
    expect(fromSums.value).toBeCloseTo(mean!, 12);
    expect(fromSums.interval!.low).toBeCloseTo(low!, 8);
    expect(fromSums.interval!.high).toBeCloseTo(high!, 8);
    expect(meanInterval(summaryFromSums(3, 12, 48)).intervalReason).toBe("All 3 answers are the same, so the spread is zero and a t interval says nothing.");
  });

  it("says why there is no mean at n = 0 and no interval at n = 1 or with zero spread", () => {
    expect(meanInterval(emptySummary)).toEqual({ value: null, reason: "No answers yet, so there is no mean.", interval: null, intervalReason: null });
    expect(meanInterval(summarize([4]))).toMatchObject({ value: 4, interval: null, intervalReason: "One answer has no spread, so the mean has no interval yet." });
    expect(meanInterval(mergeSummaries(summarize([3, 3]), summarize([3, 3, 3])))).toMatchObject({
      value: 3,
      interval: null,
      intervalReason: "All 5 answers are the same, so the spread is zero and a t interval says nothing.",
    });
  });

  it("refuses a value that is not a finite number", () => {
    expect(() => addValue(emptySummary, Number.NaN)).toThrow("A value to average must be a finite number; got NaN.");
  });
});
