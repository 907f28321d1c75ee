import type { ChatMessage } from "~/modules/items/schemas";
import { kindOf } from "~/modules/questions";
import { letterOf } from "~/modules/questions/labels";
import type { JsonSchema } from "~/modules/questions/types";
import { renderPrompt, type PromptItem } from "~/modules/prompts/render";
import type { PromptDefinition } from "~/modules/prompts/schemas";
import type { Question } from "~/modules/templates/schemas";

export type JudgeRequest = {
  messages: ChatMessage[];
  /** The structured output asked for (OpenAI `response_format: {type: "json_schema"}`, strict). */
  schema: JsonSchema;
  /** Output indexes in the order the model saw them (A, B…). */
  shown: number[];
};

/**
 * What a judge prompt version sends for one item: its rendered messages, then the answer format —
 * one JSON object with a short rationale and an answer per question, each in the shape its kind's
 * module asks a model for. The format is also written out in the last message, so a server
 * without structured output (the fallback parse) gets the same instructions.
 */
export function buildJudgeRequest(prompt: Pick<PromptDefinition, "system" | "user">, questions: Question[], item: PromptItem, shown = item.outputs.map((_, i) => i)): JudgeRequest {
  const ctx = { outputs: item.outputs, shown };
  const answers: Record<string, JsonSchema> = {};
  for (const q of questions) answers[q.key] = { ...kindOf(q).modelAnswer.schema(q, ctx), description: describeQuestion(q, ctx.shown) };
  const schema: JsonSchema = {
    type: "object",
    properties: {
      rationale: { type: "string", description: "One or two sentences on why, written before the answers." },
      answers: { type: "object", properties: answers, required: questions.map((q) => q.key), additionalProperties: false },
    },
    required: ["rationale", "answers"],
    additionalProperties: false,
  };
  const messages = renderPrompt(prompt, item, { shown });
  const instructions = [
    "Answer with one JSON object and nothing else, matching this JSON schema:",
    JSON.stringify(schema),
    ...(shown.length > 1 ? [`The responses are named ${shown.map((_, i) => letterOf(i)).join(" and ")} in the order shown above.`] : []),
  ].join("\n");
  const last = messages.at(-1);
  const withFormat: ChatMessage[] =
    last?.role === "user" ? [...messages.slice(0, -1), { ...last, content: `${last.content}\n\n${instructions}` }] : [...messages, { role: "user", content: instructions }];
  return { messages: withFormat, schema, shown };
}

function describeQuestion(q: Question, shown: number[]): string {
  const own = (kindOf(q).modelAnswer.schema(q, { outputs: [], shown }) as { description?: string }).description;
  return [q.text, q.help, own].filter(Boolean).join(" ");
}
