import { describe, expect, it } from "vitest";
import { markChanges, segmentGaps } from "./monitoring";
import { wilsonInterval } from "./proportion";

describe("change detector", () => {
  it("marks a period whose figure lies outside the previous period's interval, up or down", () => {
    // Weekly pass rates: 80/100, 78/100 (inside), 60/100 (below 78/100's interval), 75/100 (above 60/100's).
    const series = [
      { period: "2026-W01", estimate: wilsonInterval(80, 100) },
      { period: "2026-W02", estimate: wilsonInterval(78, 100) },
      { period: "2026-W03", estimate: wilsonInterval(60, 100) },
      { period: "2026-W04", estimate: wilsonInterval(75, 100) },
    ];
    // Wilson 95% (statsmodels) for 78/100 is [0.6893, 0.8500]; for 60/100 [0.5020, 0.6906].
    expect(markChanges(series)).toEqual([
      { period: "2026-W01", change: null, reason: "The first period has nothing before it to compare with." },
      { period: "2026-W02", change: "none", previous: "2026-W01" },
      { period: "2026-W03", change: "down", previous: "2026-W02" },
      { period: "2026-W04", change: "up", previous: "2026-W03" },
    ]);
  });

  it("says why a period cannot be marked when a figure or the previous interval is missing", () => {
    const marks = markChanges([
      { period: "d1", estimate: wilsonInterval(3, 4) },
      { period: "d2", estimate: wilsonInterval(0, 0) },
      { period: "d3", estimate: wilsonInterval(2, 5) },
    ]);
    expect(marks[1]).toEqual({ period: "d2", change: null, reason: "No figure for d2: No answers yet, so there is no proportion." });
    expect(marks[2]).toEqual({ period: "d3", change: null, reason: "d2 has no interval to compare with: No answers yet, so there is no proportion." });
  });
});

describe("segment gaps", () => {
  it("gives gap and ratio to the best segment, guards small segments, and flags non-overlapping intervals", () => {
    const gaps = segmentGaps([
      { segment: "en", n: 400, estimate: wilsonInterval(340, 400) },
      { segment: "de", n: 300, estimate: wilsonInterval(250, 300) },
      { segment: "tr", n: 200, estimate: wilsonInterval(120, 200) },
      { segment: "is", n: 12, estimate: wilsonInterval(2, 12) },
    ]);
    expect(gaps[0]).toMatchObject({ segment: "en", status: "compared", value: 0.85, gap: 0, ratio: 1, best: true, separated: false });
    expect(gaps[1]).toMatchObject({ segment: "de", best: false, separated: false });
    expect((gaps[1] as { gap: number }).gap).toBeCloseTo(250 / 300 - 0.85, 14);
    expect(gaps[2]).toMatchObject({ segment: "tr", value: 0.6, ratio: 0.6 / 0.85, separated: true });
    expect(gaps[3]).toEqual({ segment: "is", n: 12, status: "too-few", reason: "Too few answers to say (12; at least 30 needed)." });
  });

  it("takes the lowest as best when lower is better, and has no ratio to a best of 0", () => {
    const gaps = segmentGaps(
      [
        { segment: "a", n: 50, estimate: wilsonInterval(0, 50) },
        { segment: "b", n: 50, estimate: wilsonInterval(5, 50) },
      ],
      { higherIsBetter: false, minCount: 10 },
    );
    expect(gaps[0]).toMatchObject({ best: true, gap: 0, ratio: null });
    expect(gaps[1]).toMatchObject({ best: false, gap: 0.1, ratio: null });
  });
});
