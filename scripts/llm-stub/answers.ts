import { instanceOf } from "./json-schema-instance";
import { WORDS, fnv1a, prng, seedOf, tokenize } from "./text";

/** What a request asked for that the stub refuses, shaped like an OpenAI error. */
export class StubRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

type Part = { type?: string; text?: string };
export type ChatMessage = { role: string; content?: string | Part[] | null };
export type ChatBody = {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  seed?: number;
  n?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  stream?: boolean;
  response_format?: { type: "text" } | { type: "json_object" } | { type: "json_schema"; json_schema: { name: string; schema?: unknown; strict?: boolean } };
};

/** Checks a chat completion request the way the OpenAI API does, naming the parameter at fault. */
export function checkChatBody(body: unknown, models: readonly string[]): ChatBody {
  const b = body as Partial<ChatBody> | null;
  if (!b || typeof b !== "object") throw new StubRequestError(400, "The request body must be a JSON object.");
  if (typeof b.model !== "string" || !b.model) throw new StubRequestError(400, "you must provide a model parameter", "model");
  if (!models.includes(b.model)) throw new StubRequestError(404, `The model \`${b.model}\` does not exist or you do not have access to it.`, "model", "model_not_found");
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw new StubRequestError(400, "'messages' must be a non-empty array.", "messages");
  if (b.stream) throw new StubRequestError(400, "The Loupe stub does not stream; send stream: false.", "stream");
  const format = b.response_format;
  if (format?.type === "json_schema" && (typeof format.json_schema?.schema !== "object" || format.json_schema.schema === null)) {
    throw new StubRequestError(400, "Missing required parameter: 'response_format.json_schema.schema'.", "response_format.json_schema.schema");
  }
  if (b.top_logprobs !== undefined && (!Number.isInteger(b.top_logprobs) || b.top_logprobs < 0 || b.top_logprobs > 20)) {
    throw new StubRequestError(400, "'top_logprobs' must be an integer between 0 and 20.", "top_logprobs");
  }
  return b as ChatBody;
}

const textOf = (content: ChatMessage["content"]) =>
  typeof content === "string" ? content : Array.isArray(content) ? content.map((p) => p.text ?? "").join(" ") : "";

/**
 * The stub's own answer to a chat request: for a json_schema request a valid instance of the
 * schema, for json_object a small object, else text derived from the model and the prompt (so two
 * models, or two prompts, answer differently). The same request always gets the same answer.
 */
export function defaultContent(body: ChatBody, choice: number): string {
  const seed = seedOf([body.model, body.messages, body.seed ?? null, body.temperature ?? null, body.response_format ?? null, choice]);
  const format = body.response_format;
  if (format?.type === "json_schema") return JSON.stringify(instanceOf(format.json_schema.schema, seed));
  const random = prng(seed);
  const prompt = textOf([...body.messages].reverse().find((m) => m.role === "user")?.content ?? "").trim();
  const echo = prompt.split(/\s+/).filter(Boolean).slice(0, 12).join(" ");
  const filler = Array.from({ length: random.int(6, 18) }, () => random.pick(WORDS)).join(" ");
  const text = `${body.model} on "${echo}": ${filler}.`;
  return format?.type === "json_object" ? JSON.stringify({ answer: text }) : text;
}

/** A chat.completion object, with usage and (when asked) logprobs, around the given contents. */
export function chatCompletion(body: ChatBody, contents: string[]) {
  const promptTokens = body.messages.reduce((sum, m) => sum + tokenize(textOf(m.content)).length + 3, 0);
  const limit = body.max_completion_tokens ?? body.max_tokens;
  let completionTokens = 0;
  const choices = contents.map((content, index) => {
    const tokens = tokenize(content);
    const cut = limit !== undefined && tokens.length > limit;
    const kept = cut ? tokens.slice(0, Math.max(0, limit)) : tokens;
    completionTokens += kept.length;
    const text = kept.join("");
    return {
      index,
      message: { role: "assistant", content: text, refusal: null },
      logprobs: body.logprobs ? { content: logprobsOf(kept, body.top_logprobs ?? 0, seedOf([body.model, index])), refusal: null } : null,
      finish_reason: cut ? "length" : "stop",
    };
  });
  return {
    id: `chatcmpl-stub-${seedOf([body, contents]).toString(16)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    system_fingerprint: "loupe-stub",
  };
}

function logprobsOf(tokens: string[], top: number, seed: number) {
  return tokens.map((token, i) => {
    const logprob = -((fnv1a(`${seed}:${i}:${token}`) % 2000) / 1000);
    const alternatives = Array.from({ length: Math.max(0, top - 1) }, (_, k) => {
      const alt = ` ${WORDS[(fnv1a(`${token}:${k}`) + k) % WORDS.length]}`;
      return { token: alt, logprob: logprob - 1 - k, bytes: [...Buffer.from(alt)] };
    });
    const entry = { token, logprob, bytes: [...Buffer.from(token)] };
    return { ...entry, top_logprobs: top > 0 ? [entry, ...alternatives] : [] };
  });
}

export type EmbeddingsBody = { model: string; input: string | string[] | number[] | number[][]; dimensions?: number; encoding_format?: "float" | "base64" };

export function checkEmbeddingsBody(body: unknown, models: readonly string[]): { body: EmbeddingsBody; inputs: string[] } {
  const b = body as Partial<EmbeddingsBody> | null;
  if (!b || typeof b !== "object") throw new StubRequestError(400, "The request body must be a JSON object.");
  if (typeof b.model !== "string" || !b.model) throw new StubRequestError(400, "you must provide a model parameter", "model");
  if (!models.includes(b.model)) throw new StubRequestError(404, `The model \`${b.model}\` does not exist or you do not have access to it.`, "model", "model_not_found");
  const raw = b.input;
  const list: unknown[] = typeof raw === "string" ? [raw] : Array.isArray(raw) && raw.every((x) => typeof x === "number") ? [raw] : Array.isArray(raw) ? raw : [];
  if (list.length === 0) throw new StubRequestError(400, "'input' must be a non-empty string or array.", "input");
  const inputs = list.map((item, i) => {
    const text = typeof item === "string" ? item : Array.isArray(item) ? item.join(" ") : undefined;
    if (!text) throw new StubRequestError(400, `'input[${i}]' must be a non-empty string or an array of tokens.`, "input");
    return text;
  });
  if (b.dimensions !== undefined && (!Number.isInteger(b.dimensions) || b.dimensions < 1 || b.dimensions > 4096)) {
    throw new StubRequestError(400, "'dimensions' must be an integer between 1 and 4096.", "dimensions");
  }
  return { body: b as EmbeddingsBody, inputs };
}

/**
 * A deterministic, L2-normalised vector from hashed word unigrams and character trigrams, so texts
 * that share words and spellings point the same way and unrelated texts are near orthogonal.
 */
export function embed(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    vector[hash % dimensions]! += (hash & 0x10000 ? -1 : 1) * weight;
  };
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    add(`w:${word}`, 1);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.5);
  }
  const norm = Math.hypot(...vector) || 1;
  for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
  return vector;
}

export function embeddingsResponse(body: EmbeddingsBody, inputs: string[]) {
  const dimensions = body.dimensions ?? 256;
  const data = inputs.map((text, index) => {
    const vector = embed(text, dimensions);
    const embedding = body.encoding_format === "base64" ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64") : Array.from(vector);
    return { object: "embedding", index, embedding };
  });
  const tokens = inputs.reduce((sum, text) => sum + tokenize(text).length, 0);
  return { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
