import { describe, expect, it } from "vitest";
import { byWeek, median, ratesByQuestion, weekOf } from "./reviewer-quality";

describe("per-reviewer figures", () => {
  it("gives each question's share with its Wilson 95% interval, as computed by hand", () => {
    // 8 of 10: p = 0.8, z = 1.959964; centre (0.8 + z²/20) / (1 + z²/10) = 0.71674, half-width 0.22657.
    const comparisons = Array.from({ length: 10 }, (_, i) => ({ question: "ok", match: i < 8, week: "2026-11-30" }));
    const [ok, other] = ratesByQuestion(comparisons, [{ key: "ok", text: "OK?" }, { key: "tone", text: "Tone?" }], "No gold answers yet.");
    expect(ok!.estimate.value).toBe(0.8);
    expect(ok!.estimate.interval!.low).toBeCloseTo(0.49016, 4);
    expect(ok!.estimate.interval!.high).toBeCloseTo(0.94331, 4);
    expect(ok!.estimate.basis).toBe("8 of 10");
    expect(other).toEqual({ question: "tone", text: "Tone?", estimate: expect.objectContaining({ value: null, reason: "No gold answers yet." }) });
  });

  it("pools questions week by week, saying why a week has no figure", () => {
    const weeks = byWeek(
      [
        { question: "ok", match: true, week: "2026-11-23" },
        { question: "ok", match: false, week: "2026-11-23" },
      ],
      [{ question: "ok", match: true, week: "2026-11-30" }],
    );
    expect(weeks.map((w) => [w.week, w.accuracy.value, w.accuracy.reason, w.agreement.value])).toEqual([
      ["2026-11-23", 0.5, null, null],
      ["2026-11-30", null, "No gold answers this week.", 1],
    ]);
    // 1 of 2 by hand: (0.09453, 0.90547).
    expect(weeks[0]!.accuracy.interval!.low).toBeCloseTo(0.09453, 4);
    expect(weeks[0]!.accuracy.interval!.high).toBeCloseTo(0.90547, 4);
  });

  it("takes the median time and the Monday a week starts on", () => {
    expect(median([])).toBeNull();
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
    expect(weekOf(new Date("2026-12-06T23:00:00Z"))).toBe("2026-11-30"); // a Sunday
    expect(weekOf(new Date("2026-12-07T00:00:00Z"))).toBe("2026-12-07"); // a Monday
  });
});
