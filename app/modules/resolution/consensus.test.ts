import { describe, expect, it } from "vitest";
import type { Span } from "~/modules/templates/answers";
import { questionSchema, type Question, type QuestionInput } from "~/modules/templates/schemas";
import { consensusOf, type Vote } from "./consensus";

const q = (input: Record<string, unknown>) => questionSchema.parse({ text: "?", ...input } as QuestionInput) as Question;
const votes = (...values: unknown[]): Vote[] => values.map((value, i) => ({ userId: `u${i}`, value }));

const rating = q({ key: "quality", kind: "rating", min: 1, max: 5 });
const thumbs = q({ key: "ok", kind: "thumbs" });
const choice = q({ key: "intent", kind: "choice", options: [{ value: "a" }, { value: "b" }, { value: "c" }] });
const multi = q({ key: "topics", kind: "choice", multiple: true, options: [{ value: "a" }, { value: "b" }, { value: "c" }] });
const flags = q({ key: "risks", kind: "flags" });
const pairwise = q({ key: "pref", kind: "pairwise", allowTie: true });
const correction = q({ key: "fix", kind: "correction" });
const spans = q({ key: "marks", kind: "spans", labels: ["hallucination", "toxic"] });

describe("consensus per question kind", () => {
  it("rating: the mean, with median, spread and votes; agreement is the share of the most common rating", () => {
    expect(consensusOf(rating, votes(4, 5, 5, 2))).toEqual({
      status: "resolved",
      value: 4,
      method: "mean",
      agreement: 0.5,
      detail: { mean: 4, median: 4.5, spread: 3, votes: { "2": 1, "4": 1, "5": 2 } },
    });
  });

  it("one answer is the consensus as it stands: method single, agreement undefined", () => {
    expect(consensusOf(rating, votes(3))).toMatchObject({ status: "resolved", value: 3, method: "single", agreement: null });
    expect(consensusOf(choice, votes("b"))).toMatchObject({ status: "resolved", value: "b", method: "single", agreement: null });
    expect(consensusOf(correction, votes({ text: "Fixed." }))).toMatchObject({ status: "resolved", value: { text: "Fixed." }, method: "single" });
  });

  it("thumbs: a strict majority wins; one up and one down stays unresolved", () => {
    expect(consensusOf(thumbs, votes("up", "up", "down"))).toMatchObject({ status: "resolved", value: "up", agreement: 2 / 3, detail: { votes: { down: 1, up: 2 } } });
    expect(consensusOf(thumbs, votes("up", "down"))).toMatchObject({ status: "unresolved", value: null, agreement: 0.5 });
  });

  it("single choice: a strict plurality wins, a tie at the top stays unresolved", () => {
    expect(consensusOf(choice, votes("a", "b", "a", "c"))).toMatchObject({ status: "resolved", value: "a", method: "majority", agreement: 0.5 });
    expect(consensusOf(choice, votes("a", "b", "a", "b", "c"))).toMatchObject({ status: "unresolved", value: null, agreement: 0.4 });
  });

  it("multi-choice and flags: the options a strict majority chose; agreement is the share choosing exactly that set", () => {
    expect(consensusOf(multi, votes(["a", "b"], ["b"], ["b", "c", "a"]))).toMatchObject({ status: "resolved", value: ["a", "b"], agreement: 1 / 3 });
    // Two of four is not a majority.
    expect(consensusOf(flags, votes(["toxicity"], [], ["toxicity"], []))).toMatchObject({ status: "resolved", value: [], agreement: 0.5 });
    expect(consensusOf(flags, votes(["bias", "toxicity"], ["toxicity"]))).toMatchObject({ value: ["toxicity"], agreement: 0.5 });
  });

  it("pairwise: the output most picked wins; a split or a tie on top stays unresolved", () => {
    expect(consensusOf(pairwise, votes({ winner: 1, shown: [0, 1] }, { winner: 1, shown: [1, 0] }, { winner: 0, shown: [0, 1] }))).toMatchObject({
      status: "resolved",
      value: { winner: 1 },
      agreement: 2 / 3,
    });
    expect(consensusOf(pairwise, votes({ winner: 1, shown: [0, 1] }, { winner: 0, shown: [0, 1] }))).toMatchObject({ status: "unresolved", value: null });
    expect(consensusOf(pairwise, votes({ winner: "tie", shown: [0, 1] }, { winner: "tie", shown: [1, 0] }, { winner: 0, shown: [0, 1] }))).toMatchObject({
      status: "unresolved",
      detail: { votes: { "0": 1, tie: 2 } },
    });
    expect(consensusOf(pairwise, votes({ winner: "tie", shown: [0, 1] }))).toMatchObject({ status: "unresolved", method: "single" });
  });

  it("correction: identical corrections (line endings and outer spaces aside) agree; different ones wait for adjudication", () => {
    expect(consensusOf(correction, votes({ text: "Four.\r\n" }, { text: "Four." }))).toMatchObject({ status: "resolved", value: { text: "Four.\r\n" }, agreement: 1 });
    expect(consensusOf(correction, votes({ text: "Four." }, { text: "4" }, { text: "Four." }))).toMatchObject({
      status: "unresolved",
      value: null,
      agreement: 2 / 3,
      detail: { distinct: 2 },
    });
  });

  describe("spans by overlap", () => {
    const s = (start: number, end: number, label = "hallucination", output = 0): Span => ({ output, start, end, label, quote: "x".repeat(end - start) });

    it("keeps a finding a majority marked with overlapping spans, as the span that overlaps the others most", () => {
      // [10,20)–[12,22) overlap 8/12; [11,21) overlaps each 9/11, so it is the medoid. The lone [40,45) is one reviewer's.
      const result = consensusOf(spans, votes([s(10, 20), s(40, 45)], [s(12, 22)], [s(11, 21)]));
      expect(result).toMatchObject({ status: "resolved", method: "overlap", value: [s(11, 21)], detail: { clusters: 2, kept: 1 } });
      expect(result.agreement).toBeCloseTo(2 / 3);
    });

    it("does not merge spans with another label, another output, or overlap under one half", () => {
      const result = consensusOf(spans, votes([s(0, 10)], [s(0, 10, "toxic")], [s(0, 10, "hallucination", 1)], [s(6, 14)]));
      expect(result.value).toEqual([]);
      expect(result.detail).toMatchObject({ clusters: 4, kept: 0 });
    });

    it("keeps every finding both of two reviewers marked (of two equal candidates, the earlier then shorter)", () => {
      expect(consensusOf(spans, votes([s(0, 4), s(10, 20)], [s(10, 19), s(0, 4)])).value).toEqual([s(0, 4), s(10, 19)]);
      expect(consensusOf(spans, votes([s(0, 4), s(10, 20)], [s(10, 19), s(0, 4)])).agreement).toBe(1);
    });
  });

  it("refuses text questions and no answers", () => {
    expect(() => consensusOf(q({ key: "c", kind: "text" }), votes("hi"))).toThrow(/no consensus/);
    expect(() => consensusOf(rating, [])).toThrow(/at least one/);
  });
});
