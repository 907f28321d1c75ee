import { describe, expect, it } from "vitest";
import { bleuFromStats, corpusBleu, segmentStats, sentenceBleu, tokenize13a } from "./bleu";

// Published values from sacreBLEU's own tests (github.com/mjpost/sacrebleu, Apache-2.0):
// test/test_bleu.py and test/test_sentence_bleu.py, quoted with the call each test makes.

// test_bleu.py, "test for README example with empty hypothesis strings check":
const refs = [
  ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
  ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
];
const hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

describe("corpus BLEU (sacreBLEU defaults: 13a, exp smoothing)", () => {
  // test_corpus_bleu: sacrebleu.corpus_bleu(hyps, refs, **kwargs).score within 1e-8.
  it("gives 48.530827 for the README example with two references, as sacrebleu.corpus_bleu(_hyps, _refs)", () => {
    expect(Math.abs(corpusBleu(hyps, refs).value! - 48.530827)).toBeLessThan(1e-6);
  });

  it("gives 49.1919566 with tokenize='none' and 0.0 for empty hypotheses", () => {
    expect(Math.abs(corpusBleu(hyps, refs, { tokenize: "none" }).value! - 49.1919566)).toBeLessThan(1e-7);
    expect(corpusBleu(["", "", ""], refs).value).toBe(0);
  });

  // test_statistics: raw_corpus_bleu("am I am a character sequence", "I am a symbol string
  // sequence a a") has counts [4, 2, 1, 0] and totals [6, 5, 4, 3].
  it("counts clipped n-gram matches as sacreBLEU does", () => {
    const s = segmentStats("am I am a character sequence", ["I am a symbol string sequence a a"], { tokenize: "none" });
    expect(s.correct).toEqual([4, 2, 1, 0]);
    expect(s.total).toEqual([6, 5, 4, 3]);
  });

  // test_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100 = 0.8375922397.
  it("combines statistics into 83.75922397 for the published counts", () => {
    const r = bleuFromStats({ correct: [9, 7, 5, 3], total: [10, 8, 6, 4], hypLen: 11, refLen: 11 }, false);
    expect(Math.abs(r.value! / 100 - 0.8375922397)).toBeLessThan(1e-8);
  });

  // test_effective_order: raw_corpus_bleu(["test"], [["a test"]]) = 0.3678794411714425 and
  // (["a test"], [["a test"]]) = 1.0 (no order ends in zero matches, so the smoothing is moot).
  it("uses effective order with the brevity penalty as sacreBLEU does", () => {
    expect(Math.abs(sentenceBleu("test", ["a test"], { tokenize: "none" }).value! / 100 - 0.3678794411714425)).toBeLessThan(1e-8);
    expect(sentenceBleu("a test", ["a test"], { tokenize: "none" }).value).toBeCloseTo(100, 10);
  });

  it("names the segment without a reference", () => {
    expect(() => corpusBleu(["a", "b"], [["x", ""]])).toThrow("Segment 2 has no reference.");
  });
});

describe("sentence BLEU", () => {
  // test_sentence_bleu.py, "Example taken from #98": BLEU(tokenize=tok, smooth_method="exp",
  // effective_order=True).sentence_score(SYS, [REF]).score within 1e-3: 8.493 for 13a, 7.347 for
  // none; and for #141 ("this is a cat" vs "okay thanks") 0.0.
  const REF = "producţia de zahăr brut se exprimă în zahăr alb;";
  const SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";

  it("gives 8.493 with 13a and 7.347 with no tokenisation", () => {
    expect(Math.abs(sentenceBleu(SYS, [REF]).value! - 8.493)).toBeLessThan(1e-3);
    expect(Math.abs(sentenceBleu(SYS, [REF], { tokenize: "none" }).value! - 7.347)).toBeLessThan(1e-3);
  });

  it("is 0 when nothing matches, and undefined without a reference or beyond the length cap", () => {
    expect(sentenceBleu("this is a cat", ["okay thanks"]).value).toBe(0);
    expect(sentenceBleu("anything", [""])).toMatchObject({ value: null, reason: "There is no reference to score against." });
    expect(sentenceBleu("x".repeat(21), ["x"], { maxCodePoints: 20 }).reason).toBe("The output is longer than 20 characters (code points), the limit for this score.");
  });
});

describe("13a tokenizer", () => {
  // Expected tokens from sacreBLEU's regular expressions (tokenizer_13a.py + tokenizer_re.py) run
  // once in Python 3.11: punctuation split off but the apostrophe kept, periods and commas kept
  // inside numbers, a dash after a digit split, &quot; unescaped.
  it("splits as mteval-v13a does", () => {
    expect(tokenize13a("It wasn't 3.5-4 km, &quot;really&quot;.")).toEqual(["It", "wasn't", "3.5", "-", "4", "km", ",", '"', "really", '"', "."]);
  });
});
