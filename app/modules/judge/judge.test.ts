import { describe, expect, it } from "vitest";
import type { PromptItem } from "~/modules/prompts/render";
import { questionSchema, type Question, type QuestionInput } from "~/modules/templates/schemas";
import { buildJudgeRequest } from "./build-request";
import { answerConfidence } from "./confidence";
import { firstJsonObject, readJudgeAnswer } from "./read-answer";

const q = (input: QuestionInput) => questionSchema.parse(input) as Question;
const questions = [
  q({ key: "quality", kind: "rating", text: "How good is it?", min: 1, max: 5 }),
  q({ key: "better", kind: "pairwise", text: "Which is better?" }),
  q({ key: "risks", kind: "flags", text: "Risks", options: ["hallucination", "toxicity"] }),
];
const item: PromptItem = { input: { type: "text", text: "Capital of France?" }, outputs: [{ text: "Paris." }, { text: "Lyon." }], reference: null, metadata: {} };

describe("the judge's request", () => {
  it("asks for one strict JSON object: a rationale and an answer per question in its kind's shape, also written in the last message", () => {
    const request = buildJudgeRequest({ system: "You grade answers.", user: "{{input}}\n{{outputs}}" }, questions, item, [1, 0]);
    expect(request.schema).toMatchObject({
      type: "object",
      required: ["rationale", "answers"],
      additionalProperties: false,
      properties: {
        answers: {
          required: ["quality", "better", "risks"],
          properties: {
            quality: { type: "integer", minimum: 1, maximum: 5 },
            better: { properties: { winner: { enum: ["A", "B", "tie"] } } },
            risks: { type: "array", items: { enum: ["hallucination", "toxicity"] } },
          },
        },
      },
    });
    expect(request.messages).toHaveLength(2);
    expect(request.messages[1]!.content).toContain("Response A:\nLyon.\n\nResponse B:\nParis.");
    expect(request.messages[1]!.content).toContain(JSON.stringify(request.schema));
    expect(request.shown).toEqual([1, 0]);
  });
});

describe("reading the judge's reply", () => {
  const ctx = { outputs: item.outputs, shown: [1, 0] };

  it("reads each answer into its kind's shape, mapping the letters back to the outputs shown", () => {
    const reply = JSON.stringify({ rationale: "B is right.", answers: { quality: 4, better: { winner: "B" }, risks: [] } });
    expect(readJudgeAnswer(questions, reply, ctx)).toEqual({
      rationale: "B is right.",
      answers: { quality: { value: 4 }, better: { value: { winner: 0, shown: [1, 0] } }, risks: { value: [] } },
    });
  });

  it("falls back to the first JSON object in prose or a fence; a bad answer fails its question only", () => {
    const reply = 'Sure! Here it is:\n```json\n{"rationale": "{not a brace}", "answers": {"quality": 9, "better": {"winner": "tie"}}}\n```';
    expect(readJudgeAnswer(questions, reply, ctx)).toEqual({
      rationale: "{not a brace}",
      answers: {
        quality: { error: "9: Expected a whole number from 1 to 5." },
        better: { value: { winner: "tie", shown: [1, 0] } },
        risks: { error: 'No answer for "risks".' },
      },
    });
    expect(readJudgeAnswer(questions, "I cannot help with that.", ctx)).toEqual({ error: 'The reply holds no JSON object: "I cannot help with that."' });
    expect(readJudgeAnswer(questions, '{"verdict": 3}', ctx)).toEqual({ error: "The reply's JSON has no `answers` object." });
    expect(firstJsonObject('x {"a": "}"} y')).toEqual({ a: "}" });
  });
});

describe("confidence from token log-probabilities", () => {
  it("is the probability of the tokens that spell each answer's value", () => {
    const tokens = [
      { token: '{"', logprob: 0 },
      { token: "answers", logprob: 0 },
      { token: '":{"', logprob: 0 },
      { token: "quality", logprob: 0 },
      { token: '":', logprob: 0 },
      { token: "4", logprob: Math.log(0.8) },
      { token: ',"', logprob: 0 },
      { token: "risks", logprob: 0 },
      { token: '":["', logprob: Math.log(0.5) },
      { token: "toxicity", logprob: Math.log(0.6) },
      { token: '"]}}', logprob: 0 },
    ];
    const confidence = answerConfidence(tokens, ["quality", "risks", "better"]);
    expect(confidence.quality).toBeCloseTo(0.8, 12);
    expect(confidence.risks).toBeCloseTo(0.5 * 0.6, 12);
    expect(confidence.better).toBeNull();
  });
});
