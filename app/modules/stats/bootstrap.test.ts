import { describe, expect, it } from "vitest";
import { bootstrap, bootstrapReplicates } from "./bootstrap";
import reference from "./fixtures/bootstrap.json";
import means from "./fixtures/mean.json";

const sample = (means.samples as Record<string, number[]>).skewed!;

const statistics: Record<string, (x: readonly number[]) => number | null> = {
  mean: (x) => x.reduce((s, v) => s + v, 0) / x.length,
  sd: (x) => {
    if (x.length < 2) return null;
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
  },
  median: (x) => {
    const s = [...x].sort((a, b) => a - b);
    const h = s.length >> 1;
    return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  },
};

describe("seeded bootstrap", () => {
  // Reference: the same MT19937 draws replayed with numpy 1.24.2 RandomState(seed), then
  // np.percentile (percentile method) and scipy 1.10.1 scipy.stats._resampling._bca_interval
  // (BCa, the code behind scipy.stats.bootstrap(method="BCa")); see fixtures/make-fixtures.py.
  for (const c of reference.cases) {
    it(`${c.statistic}, seed ${c.seed}, ${c.resamples} resamples, ${c.level * 100}%: same replicates, percentile and BCa intervals as numpy/scipy`, () => {
      const stat = statistics[c.statistic]!;
      const replicates = bootstrapReplicates(sample, stat, c.seed, 5);
      replicates.forEach((v, i) => expect(v).toBeCloseTo(c.firstReplicates[i]!, 10));
      const pct = bootstrap(sample, stat, { seed: c.seed, resamples: c.resamples, level: c.level });
      expect(pct.interval!.method).toBe("bootstrap percentile");
      expect(pct.interval!.low).toBeCloseTo(c.percentile[0]!, 10);
      expect(pct.interval!.high).toBeCloseTo(c.percentile[1]!, 10);
      const bca = bootstrap(sample, stat, { seed: c.seed, resamples: c.resamples, level: c.level, method: "bca" });
      expect(bca.interval!.method).toBe("bootstrap BCa");
      expect(bca.interval!.low).toBeCloseTo(c.bca[0]!, 10);
      expect(bca.interval!.high).toBeCloseTo(c.bca[1]!, 10);
      expect(bca.basis).toBe(`57 value(s), ${c.resamples} resamples, seed ${c.seed}`);
    });
  }

  it("is reproducible bit for bit with one seed and differs with another", () => {
    const a = bootstrap(sample, statistics.mean!, { seed: 99, resamples: 500, method: "bca" });
    const b = bootstrap(sample, statistics.mean!, { seed: 99, resamples: 500, method: "bca" });
    const c = bootstrap(sample, statistics.mean!, { seed: 100, resamples: 500, method: "bca" });
    expect(b).toEqual(a);
    expect(c.interval!.low).not.toBe(a.interval!.low);
  });

  it("bounds the work and says so instead of running unbounded", () => {
    expect(bootstrap(sample, statistics.mean!, { seed: 1, resamples: 1000, maxDraws: 50_000 })).toMatchObject({
      interval: null,
      intervalReason: "57 values × 1000 resamples is more than the 50000 draws allowed per bootstrap. Use a closed-form interval or fewer resamples.",
    });
    expect(bootstrap(sample, statistics.mean!, { seed: 1, method: "bca", maxJackknife: 50 }).intervalReason).toBe(
      "BCa needs 57 jackknife statistics, more than the 50 allowed; use the percentile method.",
    );
  });

  it("leaves out resamples where the statistic is undefined, and gives no interval when too many are", () => {
    // The sd of a resample of [1, 2] is undefined (null here) when both draws are the same value.
    const pickySd = (x: readonly number[]) => (new Set(x).size < 2 ? null : statistics.sd!(x));
    expect(bootstrap([1, 2], pickySd, { seed: 3, resamples: 200 })).toMatchObject({ value: Math.SQRT1_2, interval: null });
    expect(bootstrap([1, 2], pickySd, { seed: 3, resamples: 200 }).intervalReason).toMatch(/^The statistic was undefined on \d+ of 200 resamples, too many for a bootstrap interval\.$/);
    // With four distinct values a resample is all one value with probability 4/256 ≈ 1.6% < 5%.
    const some = bootstrap([1, 2, 3, 4], pickySd, { seed: 3, resamples: 2000 });
    expect(some.interval).not.toBeNull();
    expect(some.basis).toMatch(/^4 value\(s\), 2000 resamples, seed 3 \(\d+ undefined resample\(s\) left out\)$/);
  });

  it("says why BCa is undefined for a degenerate bootstrap distribution, and why an empty sample has no estimate", () => {
    // 20 distinct values: a resample keeps all 20 with probability 20!/20²⁰ ≈ 2e-8, so every
    // replicate of "number of distinct values" lies below the estimate.
    const distinct = (x: readonly number[]) => new Set(x).size;
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    expect(bootstrap(twenty, distinct, { seed: 1, resamples: 100, method: "bca" }).intervalReason).toBe(
      "Every resample fell on one side of the estimate, so the BCa bias correction is infinite; use the percentile method.",
    );
    expect(bootstrap([5, 5, 5, 5], statistics.mean!, { seed: 1, resamples: 100, method: "bca" }).intervalReason).toBe(
      "The statistic does not move when any one value is left out, so the BCa acceleration is undefined.",
    );
    expect(bootstrap([], statistics.mean!, { seed: 1 })).toEqual({ value: null, reason: "No data, so there is nothing to resample.", interval: null, intervalReason: null });
  });
});
