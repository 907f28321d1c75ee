import { describe, expect, it } from "vitest";
import { headToHead, positionBias } from "./pairwise";
import { wilsonInterval } from "./proportion";

describe("head-to-head win / tie / loss", () => {
  it("merges both orientations of a pair and gives each share its Wilson interval", () => {
    const rows = headToHead([
      { a: "llama", b: "gpt", aWins: 4, bWins: 10, ties: 1 },
      { a: "gpt", b: "llama", aWins: 5, bWins: 2, ties: 3 },
      { a: "gpt", b: "claude", aWins: 0, bWins: 0, ties: 0 },
    ]);
    expect(rows.map((r) => [r.a, r.b, r.n])).toEqual([
      ["claude", "gpt", 0],
      ["gpt", "llama", 25],
    ]);
    expect(rows[1]!.aWins).toEqual(wilsonInterval(15, 25));
    expect(rows[1]!.ties).toEqual(wilsonInterval(4, 25));
    expect(rows[1]!.bWins).toEqual(wilsonInterval(6, 25));
    expect(rows[0]!.aWins).toMatchObject({ value: null, reason: "No answers yet, so there is no proportion." });
  });
});

describe("position bias", () => {
  it("is the share choosing the left output among answers that chose a side, and names the side only when the interval excludes ½", () => {
    const biased = positionBias({ left: 70, right: 30, ties: 12 });
    expect(biased).toMatchObject({ value: 0.7, favours: "left", basis: "70 of 100 answers that chose a side (12 tie(s) left out)" });
    expect(biased.interval).toEqual(wilsonInterval(70, 100).interval);
    expect(positionBias({ left: 55, right: 45 }).favours).toBeNull();
    expect(positionBias({ left: 10, right: 40 }).favours).toBe("right");
  });

  it("says why there is no figure with only ties or no answers", () => {
    expect(positionBias({ left: 0, right: 0, ties: 3 })).toMatchObject({ value: null, reason: "Every answer was a tie, so no side was chosen.", favours: null });
    expect(positionBias({ left: 0, right: 0 })).toMatchObject({ value: null, reason: "No pairwise answers yet." });
  });
});
