import { createHash } from "node:crypto";

/** A 32-bit FNV-1a hash: cheap and stable, for feature hashing. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seed from anything JSON-serialisable: the same request always gives the same seed. */
export function seedOf(value: unknown): number {
  return createHash("sha256").update(JSON.stringify(value)).digest().readUInt32LE(0);
}

/** A small deterministic PRNG (mulberry32): `next()` is in [0, 1). */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/**
 * Tokens as the stub counts them: words and single punctuation marks, each with the whitespace
 * before it. Joining the tokens gives back the text, so a completion cut at `max_tokens` is a prefix.
 */
export function tokenize(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}_]+|\s*[^\s\p{L}\p{N}_]|\s+$/gu) ?? [];
}

export const WORDS = [
  "clear", "careful", "answer", "because", "example", "detail", "likely", "review", "context", "result",
  "simple", "step", "first", "then", "finally", "however", "overall", "summary", "reason", "evidence",
  "useful", "point", "important", "consider", "note", "source", "option", "better", "worse", "balanced",
] as const;
