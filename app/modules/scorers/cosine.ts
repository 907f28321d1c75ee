/**
 * Cosine similarity of two embedding vectors, cos θ = a·b / (‖a‖‖b‖), from −1 to 1. Pure: the
 * call to a provider's embeddings endpoint lives elsewhere. Sums are taken in double precision
 * whatever the input array type; the result is clipped to [−1, 1] against rounding.
 */
import type { Metric } from "~/modules/stats/estimate";

type Vector = ArrayLike<number>;

export function cosineSimilarity(a: Vector, b: Vector): Metric {
  if (a.length !== b.length) throw new RangeError(`The two embeddings must have the same length; got ${a.length} and ${b.length}.`);
  if (a.length === 0) return { value: null, reason: "The embeddings are empty." };
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`Embedding component ${i} must be a finite number; got ${x} and ${y}.`);
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return { value: null, reason: "One embedding is all zeros, so it has no direction to compare." };
  return { value: Math.max(-1, Math.min(1, dot / (Math.sqrt(na) * Math.sqrt(nb)))), reason: null };
}
