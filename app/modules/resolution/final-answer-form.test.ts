import { describe, expect, it } from "vitest";
import { questionSchema, type Question, type QuestionInput } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";
import { kindOf } from "~/modules/questions";
import { describeAnswer, readFinalAnswer } from "./final-answer-form";

const q = (input: Record<string, unknown>) => questionSchema.parse({ text: "?", ...input } as QuestionInput) as Question;
const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

describe("the written final answer", () => {
  it("reads each kind into its answer shape", () => {
    expect(readFinalAnswer(q({ key: "r", kind: "rating" }), form([["value", " 4 "]]))).toBe(4);
    expect(readFinalAnswer(q({ key: "m", kind: "choice", multiple: true, options: [{ value: "a" }, { value: "b" }] }), form([["value", "a"], ["value", "b"]]))).toEqual(["a", "b"]);
    expect(readFinalAnswer(q({ key: "f", kind: "flags" }), form([]))).toEqual([]);
    expect(readFinalAnswer(q({ key: "p", kind: "pairwise" }), form([["value", "1"]]))).toEqual({ winner: 1, shown: [0, 1] });
    expect(readFinalAnswer(q({ key: "c", kind: "correction" }), form([["value", "Fixed"]]))).toEqual({ text: "Fixed" });
  });

  it("reads a tie where the pairwise question allows one; where it does not, the kind's check refuses it", () => {
    expect(readFinalAnswer(q({ key: "p", kind: "pairwise", allowTie: true }), form([["value", "tie"]]))).toEqual({ winner: "tie", shown: [0, 1] });
    const strict = q({ key: "p", kind: "pairwise", allowTie: false });
    const tie = readFinalAnswer(strict, form([["value", "tie"]]));
    expect(kindOf(strict).check(strict, tie, { outputs: [{ text: "A" }, { text: "B" }] })).toBe("Expected winner to be an output index below 2.");
  });

  it("passes what was typed to the kind's check, which says what was expected (the same message a reviewer gets)", () => {
    const r = q({ key: "r", kind: "rating", min: 1, max: 5 });
    const typed = readFinalAnswer(r, form([["value", "four"]]));
    expect(typed).toBe("four");
    expect(kindOf(r).check(r, typed, { outputs: [] })).toBe("Expected a whole number from 1 to 5.");
    const s = q({ key: "s", kind: "spans" });
    expect(kindOf(s).check(s, readFinalAnswer(s, form([["value", "[{"]])), { outputs: [] })).toBe("Expected a list of spans.");
    expect(() => readFinalAnswer(q({ key: "t", kind: "text" }), form([["value", "x"]]))).toThrow(ValidationError);
  });

  it("describes answers in words", () => {
    expect(describeAnswer(q({ key: "p", kind: "pairwise" }), { winner: 1, shown: [1, 0] })).toBe("Response B");
    expect(describeAnswer(q({ key: "r", kind: "rating" }), 4.5)).toBe("4.5");
    expect(describeAnswer(q({ key: "f", kind: "flags" }), [])).toBe("None");
    expect(describeAnswer(q({ key: "s", kind: "spans" }), [{ output: 0, start: 0, end: 5, label: "pii", quote: "<img>" }])).toBe("pii: “<img>” (output 1, 0–5)");
  });
});
