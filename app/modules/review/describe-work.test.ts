import { describe, expect, it } from "vitest";
import type { Question } from "~/modules/questions";
import { describeMyWork } from "./describe-work";

const questions = [
  { key: "quality", kind: "rating", text: "How good is this answer?", min: 1, max: 5 },
  { key: "safe", kind: "thumbs", text: "Safe to show?" },
  { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing", label: "Billing question" }, { value: "other" }] },
  { key: "risks", kind: "flags", text: "Risks", options: ["pii_leak", "toxicity"] },
  { key: "preference", kind: "pairwise", text: "Which answer is better?", allowTie: true, strength: true },
  { key: "fixed", kind: "correction", text: "Correct it" },
  { key: "spans", kind: "spans", text: "Mark problems", labels: ["wrong"] },
  { key: "comment", kind: "text", text: "Anything else?" },
] as unknown as Question[];

describe("My work describes each answer in words", () => {
  it("per kind, in the template's order, skipping unanswered questions", () => {
    const values = {
      comment: "  The second answer invents a refund policy that the company does not have at all.  ",
      preference: { winner: 1, shown: [1, 0], strength: "much" },
      quality: 4,
      safe: "down",
      intent: "billing",
      risks: ["pii_leak"],
      fixed: { text: "Fixed." },
      spans: [{ label: "wrong", output: 0, start: 0, end: 3, quote: "abc" }],
    };
    expect(describeMyWork(questions, values)).toEqual([
      "How good is this answer?: 4 of 5",
      "Safe to show?: 👎 no",
      "Intent: Billing question",
      "Risks: PII leak",
      // output 1 was shown on the left: the reviewer chose what they saw as A
      "Which answer is better?: response A, much better",
      "Correct it: corrected (6 characters)",
      "Mark problems: 1 passage marked",
      "Anything else?: “The second answer invents a refund policy that the company …”",
    ]);
    expect(describeMyWork(questions, { preference: { winner: "tie", shown: [0, 1] }, risks: [] })).toEqual(["Risks: none", "Which answer is better?: a tie"]);
  });

  it("without the template version, still says what was answered", () => {
    expect(describeMyWork(undefined, { quality: 3 })).toEqual(["quality: answered"]);
  });
});
