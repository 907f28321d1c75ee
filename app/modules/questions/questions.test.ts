import { describe, expect, it } from "vitest";
import { questionSchema, type Question, type QuestionInput } from "~/modules/templates/schemas";
import { formFields } from "./form-fields";
import { kindOf, questionKindModules, questionKinds } from "./index";
import type { JsonSchema, ModelContext } from "./types";

const q = <K extends Question["kind"]>(input: QuestionInput & { kind: K }) => questionSchema.parse(input) as Extract<Question, { kind: K }>;
const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return formFields(f);
};
const two: ModelContext = { outputs: [{ text: "Paris is the capital of France." }, { text: "Lyon is the capital." }], shown: [1, 0] };

/** Every object in a schema lists all its properties as required and allows no others (OpenAI strict mode). */
function strict(schema: JsonSchema): boolean {
  if (schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"))) {
    const props = Object.keys((schema.properties as object) ?? {});
    if (schema.additionalProperties !== false) return false;
    if (JSON.stringify([...props].sort()) !== JSON.stringify([...((schema.required as string[]) ?? [])].sort())) return false;
    if (!Object.values((schema.properties as Record<string, JsonSchema>) ?? {}).every(strict)) return false;
  }
  return schema.items ? strict(schema.items as JsonSchema) : true;
}

describe("question kinds as modules", () => {
  it("every kind has a module, named by its kind", () => {
    expect(Object.keys(questionKindModules).sort()).toEqual([...questionKinds].sort());
    for (const kind of questionKinds) expect(questionKindModules[kind].kind).toBe(kind);
  });

  it("one form reader serves reviewers (fields named by key) and adjudicators (one `value` field)", () => {
    const rating = q({ key: "quality", kind: "rating", text: "?" });
    expect(kindOf(rating).readForm(rating, "quality", form([["quality", "4"]]), { outputs: [], unchangedCorrectionIsNoAnswer: true })).toBe(4);
    expect(kindOf(rating).readForm(rating, "value", form([["value", " 5 "]]), { outputs: [], unchangedCorrectionIsNoAnswer: false })).toBe(5);
    const pair = q({ key: "better", kind: "pairwise", text: "?" });
    expect(kindOf(pair).readForm(pair, "better", form([["better", "1"], ["better.shown", "1,0"], ["better.strength", "much"]]), { outputs: [], unchangedCorrectionIsNoAnswer: true })).toEqual({
      winner: 1,
      shown: [1, 0],
      strength: "much",
    });
    const fix = q({ key: "fix", kind: "correction", text: "?" });
    const outputs = [{ text: "Same text" }];
    expect(kindOf(fix).readForm(fix, "fix", form([["fix", "Same text"]]), { outputs, unchangedCorrectionIsNoAnswer: true })).toBeUndefined();
    expect(kindOf(fix).readForm(fix, "value", form([["value", "Same text"]]), { outputs, unchangedCorrectionIsNoAnswer: false })).toEqual({ text: "Same text" });
    expect(kindOf(fix).readForm(fix, "fix", form([["fix", "Line one\r\nline two"]]), { outputs, unchangedCorrectionIsNoAnswer: true })).toEqual({ text: "Line one\nline two" });
  });

  it("every kind's model-answer schema is strict structured output, and a well-formed answer reads back as a valid answer", () => {
    const cases: [Question, unknown, unknown][] = [
      [q({ key: "r", kind: "rating", text: "?", min: 1, max: 5 }), 4, 4],
      [q({ key: "t", kind: "thumbs", text: "?" }), "down", "down"],
      [q({ key: "c", kind: "choice", text: "?", options: [{ value: "billing" }, { value: "card" }] }), "card", "card"],
      [q({ key: "m", kind: "choice", text: "?", multiple: true, options: [{ value: "a" }, { value: "b" }] }), ["b", "b", "a"], ["b", "a"]],
      [q({ key: "f", kind: "flags", text: "?" }), [], []],
      // Shown B then A: the model's "A" is output 1.
      [q({ key: "p", kind: "pairwise", text: "?" }), { winner: "A" }, { winner: 1, shown: [1, 0] }],
      [q({ key: "s", kind: "pairwise", text: "?", strength: true }), { winner: "B", strength: "slightly" }, { winner: 0, shown: [1, 0], strength: "slightly" }],
      [q({ key: "x", kind: "correction", text: "?" }), { text: "Fixed." }, { text: "Fixed." }],
      [q({ key: "h", kind: "spans", text: "?", labels: ["hallucination"] }), [{ response: "B", quote: "capital of France", label: "hallucination" }], [{ output: 0, start: 13, end: 30, label: "hallucination", quote: "capital of France" }]],
      [q({ key: "n", kind: "text", text: "?" }), "Looks fine.", "Looks fine."],
    ];
    for (const [question, raw, value] of cases) {
      const kind = kindOf(question);
      expect(strict(kind.modelAnswer.schema(question, two)), `${question.kind} schema`).toBe(true);
      const read = kind.modelAnswer.read(question, raw, two);
      expect(read, `${question.kind} reads ${JSON.stringify(raw)}`).toEqual({ value });
      expect(kind.check(question, value, two)).toBeNull();
    }
  });

  it("a model answer that does not fit is an error saying why, never a silently wrong answer", () => {
    const rating = q({ key: "r", kind: "rating", text: "?", min: 1, max: 5 });
    expect(kindOf(rating).modelAnswer.read(rating, 7, two)).toEqual({ error: "7: Expected a whole number from 1 to 5." });
    const pair = q({ key: "p", kind: "pairwise", text: "?", allowTie: false });
    expect(kindOf(pair).modelAnswer.read(pair, { winner: "tie" }, two)).toEqual({ error: '{"winner":"tie"}: Expected winner to be an output index below 2.' });
    expect(kindOf(pair).modelAnswer.read(pair, { winner: "C" }, two)).toMatchObject({ error: expect.stringContaining('expected winner "A", "B"') });
    const spans = q({ key: "h", kind: "spans", text: "?", labels: ["hallucination"] });
    expect(kindOf(spans).modelAnswer.read(spans, [{ response: "A", quote: "Berlin", label: "hallucination" }], two)).toEqual({
      error: 'Span 1: the quote "Berlin" is not in the response.',
    });
    const choice = q({ key: "c", kind: "choice", text: "?", options: [{ value: "a" }, { value: "b" }] });
    expect(kindOf(choice).modelAnswer.read(choice, "z", two)).toEqual({ error: '"z": Expected one of: a, b.' });
  });
});
