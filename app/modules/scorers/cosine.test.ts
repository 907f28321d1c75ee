import { describe, expect, it } from "vitest";
import { cosineSimilarity } from "./cosine";

describe("embedding cosine similarity", () => {
  it("is a·b / (‖a‖‖b‖): 1 for the same direction, 0 orthogonal, −1 opposite", () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6]).value).toBeCloseTo(1, 15);
    expect(cosineSimilarity([1, 0], [0, 5]).value).toBe(0);
    expect(cosineSimilarity(new Float32Array([1, 1]), [-2, -2]).value).toBeCloseTo(-1, 15);
    // 1·4 + 2·5 + 3·6 = 32; ‖a‖ = √14, ‖b‖ = √77.
    expect(cosineSimilarity([1, 2, 3], [4, 5, 6]).value).toBeCloseTo(32 / Math.sqrt(14 * 77), 15);
  });

  it("says why a zero vector has no similarity and rejects mismatched or non-finite input", () => {
    expect(cosineSimilarity([0, 0], [1, 2])).toEqual({ value: null, reason: "One embedding is all zeros, so it has no direction to compare." });
    expect(cosineSimilarity([], [])).toEqual({ value: null, reason: "The embeddings are empty." });
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow("The two embeddings must have the same length; got 2 and 3.");
    expect(() => cosineSimilarity([1, Number.NaN], [1, 2])).toThrow("Embedding component 1 must be a finite number; got NaN and 2.");
  });
});
