import { describe, expect, it } from "vitest";
import { corpusChrf, sentenceChrf } from "./chrf";

// Published values from sacreBLEU's test/test_chrf.py (github.com/mjpost/sacrebleu, Apache-2.0),
// each with the call the test makes; EPSILON there is 1e-4.
const EPSILON = 1e-4;

describe("chrF", () => {
  // test_chrf: corpus_chrf(hyps, [refs], char_order=6, word_order=0, beta=3, eps_smoothing=True).
  it.each([
    [["abcdefg"], ["hijklmnop"], 0.0],
    [["a"], ["b"], 0.0],
    [[""], ["b"], 0.0],
    [[""], ["ref"], 0.0],
    [[""], ["reference"], 0.0],
    [["aa"], ["ab"], 8.3333],
    [["a", "b"], ["a", "c"], 8.3333],
    [["a"], ["a"], 16.6667],
    [["a b c"], ["a b c"], 50.0],
    [["a b c"], ["abc"], 50.0],
    [
      [" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
      ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."],
      63.36173,
    ],
    [[" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "], ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 64.1302698],
    [["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"], 100.0],
  ])("ε-smoothed, β = 3: %j vs %j is %f", (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], { beta: 3, epsSmoothing: true }).value! - expected)).toBeLessThan(EPSILON);
  });

  // test_chrf_eff_order: the same call with eps_smoothing=False, sacreBLEU's default.
  it.each([
    [["a"], ["a"], 100.0],
    [[""], ["reference"], 0.0],
    [["a b c"], ["a b c"], 100.0],
    [["a b c"], ["abc"], 100.0],
    [[""], ["c"], 0.0],
    [["a", "b"], ["a", "c"], 50.0],
    [["aa"], ["ab"], 25.0],
  ])("effective order (the default), β = 3: %j vs %j is %f", (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], { beta: 3 }).value! - expected)).toBeLessThan(EPSILON);
  });

  // test_chrf_keep_whitespace: corpus_chrf(..., beta=3, remove_whitespace=False).
  it.each([
    [["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."], ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 67.3481606],
    [
      ["risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
      ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."],
      65.2414427,
    ],
  ])("keeping whitespace, β = 3: %j is %f", (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], { beta: 3, whitespace: true }).value! - expected)).toBeLessThan(EPSILON);
  });

  // test_chrf_sentence_level: sentence_chrf(hypothesis, references, eps_smoothing=True), β = 2.
  it.each([
    ["Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.", "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509],
    ["Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.", "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079],
    ["Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.", "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367],
  ])("sentence level, β = 2, ε-smoothed: %s", (hyp, ref, expected) => {
    expect(Math.abs(sentenceChrf(hyp, [ref], { epsSmoothing: true }).value! - expected)).toBeLessThan(EPSILON);
  });

  it("is undefined without a reference and beyond the length cap", () => {
    expect(sentenceChrf("x", [])).toEqual({ value: null, reason: "There is no reference to score against." });
    expect(sentenceChrf("x", ["y".repeat(30)], { maxCodePoints: 20 })).toEqual({ value: null, reason: "The reference is longer than 20 characters (code points), the limit for this score." });
  });
});
