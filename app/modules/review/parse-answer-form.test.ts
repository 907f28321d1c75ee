import { describe, expect, it } from "vitest";
import { checkAnswers } from "~/modules/templates/answers";
import { templateSchema, type TemplateInput } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";
import { parseAnswerFields, readAnswers, reviewFormSchema } from "./parse-answer-form";

const input: TemplateInput = {
  questions: [
    { key: "quality", kind: "rating", text: "Quality", required: true },
    { key: "safe", kind: "thumbs", text: "Safe?" },
    { key: "topic", kind: "choice", text: "Topic", options: [{ value: "a" }, { value: "b" }] },
    { key: "tags", kind: "choice", text: "Tags", multiple: true, options: [{ value: "x" }, { value: "y" }] },
    { key: "better", kind: "pairwise", text: "Better?", strength: true },
    { key: "fix", kind: "correction", text: "Fix" },
    { key: "marks", kind: "spans", text: "Marks" },
    { key: "reason", kind: "text", text: "Why?" },
    { key: "risks", kind: "flags", text: "Risks" },
  ],
};
const template = { version: 1, ...templateSchema.parse(input) };
const outputs = [{ text: "line one\nline two" }, { text: "other" }];

function form(fields: [string, string][]) {
  const data = new FormData();
  for (const [k, v] of fields) data.append(k, v);
  return data;
}

describe("parseAnswerFields (the no-JS review form)", () => {
  it("reads every kind of question into the shape checkAnswers accepts", () => {
    const values = parseAnswerFields(
      template.questions,
      form([
        ["quality", "4"],
        ["safe", "down"],
        ["topic", "b"],
        ["tags", "x"],
        ["tags", "y"],
        ["better", "1"],
        ["better.shown", "1,0"],
        ["better.strength", "much"],
        ["fix", "line one\r\nline 2"],
        ["marks", JSON.stringify([{ output: 1, start: 0, end: 5, label: "pii", quote: "other" }])],
        ["reason", "Because\r\nreasons"],
        ["risks", "bias"],
        ["_intent", "submit"],
      ]),
      outputs,
    );
    expect(values).toEqual({
      quality: 4,
      safe: "down",
      topic: "b",
      tags: ["x", "y"],
      better: { winner: 1, strength: "much", shown: [1, 0] },
      fix: { text: "line one\nline 2" },
      marks: [{ output: 1, start: 0, end: 5, label: "pii", quote: "other" }],
      reason: "Because\nreasons",
      risks: ["bias"],
    });
    expect(checkAnswers(template, values, { outputs })).toEqual([]);
  });

  it("leaves out unanswered questions, an unchanged correction and empty lists", () => {
    const values = parseAnswerFields(
      template.questions,
      form([
        ["quality", ""],
        ["reason", ""],
        ["fix", "line one\r\nline two"],
        ["marks", "[]"],
        ["better.shown", "0,1"],
      ]),
      outputs,
    );
    expect(values).toEqual({});
    expect(checkAnswers(template, values, { outputs })).toEqual([{ field: "values.quality", message: "This question needs an answer." }]);
  });

  it("keeps a tie without a strength and passes malformed input on for checkAnswers to name", () => {
    const values = parseAnswerFields(
      template.questions,
      form([
        ["quality", "lots"],
        ["better", "tie"],
        ["better.shown", "0,1"],
        ["better.strength", "much"],
      ]),
      outputs,
    );
    expect(values).toEqual({ quality: "lots", better: { winner: "tie", shown: [0, 1] } });
    expect(checkAnswers(template, values, { outputs }).map((i) => i.field)).toEqual(["values.quality"]);
  });
});

describe("readAnswers", () => {
  it("prefers the JSON the screen sends and never loads the template for it", async () => {
    const values = await readAnswers(form([["_values", '{"quality":2}'], ["quality", "5"]]), () => {
      throw new Error("should not be called");
    });
    expect(values).toEqual({ quality: 2 });
  });

  it("refuses JSON that is not an object", async () => {
    await expect(readAnswers(form([["_values", "[1]"]]), async () => ({ questions: [], outputs }))).rejects.toBeInstanceOf(ValidationError);
    await expect(readAnswers(form([["_values", "{"]]), async () => ({ questions: [], outputs }))).rejects.toBeInstanceOf(ValidationError);
  });

  it("falls back to one field per question without JavaScript", async () => {
    const values = await readAnswers(form([["quality", "3"]]), async () => ({ questions: template.questions, outputs }));
    expect(values).toEqual({ quality: 3 });
  });
});

describe("reviewFormSchema", () => {
  it("accepts each intent with its fields and refuses unknown ones", () => {
    expect(reviewFormSchema.parse({ _intent: "submit", idempotencyKey: "key-12345", durationMs: "1200" })).toEqual({ _intent: "submit", idempotencyKey: "key-12345", durationMs: 1200 });
    expect(reviewFormSchema.parse({ _intent: "edit", annotationId: crypto.randomUUID(), _version: "3" })).toMatchObject({ _version: 3 });
    expect(reviewFormSchema.safeParse({ _intent: "submit" }).success).toBe(false);
    expect(reviewFormSchema.safeParse({ _intent: "delete" }).success).toBe(false);
  });
});
