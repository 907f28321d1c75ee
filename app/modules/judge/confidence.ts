/** One token of a completion with its log-probability, as the OpenAI API returns `logprobs.content`. */
export type TokenLogprob = { token: string; logprob: number };

/**
 * How sure the model was of each answer, from the token log-probabilities of its JSON reply: the
 * probability of the tokens that spell the answer's value (exp of their summed log-probabilities),
 * given everything before them. Null for a key whose value cannot be found in the tokens (a
 * provider that returns no logprobs, or a reply that was not the JSON read). This is the model's
 * own probability, not a calibrated one; the calibration table says how far to trust it.
 */
export function answerConfidence(tokens: TokenLogprob[], keys: string[]): Record<string, number | null> {
  const text = tokens.map((t) => t.token).join("");
  const starts: number[] = [];
  let at = 0;
  for (const t of tokens) {
    starts.push(at);
    at += t.token.length;
  }
  const result: Record<string, number | null> = {};
  for (const key of keys) {
    const span = valueSpan(text, key);
    if (!span) {
      result[key] = null;
      continue;
    }
    let sum = 0;
    let any = false;
    for (let i = 0; i < tokens.length; i++) {
      const from = starts[i]!;
      const to = from + tokens[i]!.token.length;
      if (to > span.start && from < span.end) {
        sum += tokens[i]!.logprob;
        any = true;
      }
    }
    result[key] = any ? Math.exp(sum) : null;
  }
  return result;
}

/** Where the value of `"key":` starts and ends in a JSON text (strings, numbers, arrays, objects, literals). */
function valueSpan(text: string, key: string): { start: number; end: number } | null {
  const match = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"\\s*:\\s*`).exec(text);
  if (!match) return null;
  const start = match.index + match[0].length;
  const first = text[start];
  if (first === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === '"') return { start, end: i + 1 };
    }
    return null;
  }
  if (first === "[" || first === "{") {
    const close = first === "[" ? "]" : "}";
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === first) depth++;
      else if (ch === close && --depth === 0) return { start, end: i + 1 };
    }
    return null;
  }
  const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(start));
  return literal ? { start, end: start + literal[0].length } : null;
}
