import { describe, expect, it } from "vitest";
import { lcsLength, rougeL, rougeTokens } from "./rouge-l";

// Published values from Google's rouge-score tests (google-research/google-research,
// rouge/rouge_scorer_test.py, Apache-2.0), with RougeScorer(["rougeL"]).score(target, prediction).
// The two Rouge155 lines are the first two lines of rouge/testdata/target.txt and prediction.txt;
// their expected values come from the official ROUGE-1.5.5 (asserted there to 5 places).
const TARGETS = [
  "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
  "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
];
const PREDICTIONS = [
  "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
  "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
];

describe("ROUGE-L (rouge-score default tokenisation, no stemming)", () => {
  it("testRougeLConsecutive / NonConsecutive: P 1, R 2/3, F 4/5", () => {
    for (const prediction of ["testing one", "testing two"]) {
      const r = rougeL(prediction, "testing one two");
      expect(r.precision).toBeCloseTo(1, 12);
      expect(r.recall).toBeCloseTo(2 / 3, 12);
      expect(r.value).toBeCloseTo(4 / 5, 12);
    }
  });

  it("testRougeLAgainstRouge155: matches ROUGE-1.5.5 to 5 places on both lines", () => {
    const published = [
      { recall: 0.40741, precision: 0.6875, f: 0.51163 },
      { recall: 0.40476, precision: 0.65385, f: 0.5 },
    ];
    published.forEach((p, i) => {
      const r = rougeL(PREDICTIONS[i]!, TARGETS[i]!);
      expect(r.recall).toBeCloseTo(p.recall, 5);
      expect(r.precision).toBeCloseTo(p.precision, 5);
      expect(r.value).toBeCloseTo(p.f, 5);
    });
  });

  it("testRougeEmpty: an empty prediction scores 0, and so does one with no a–z/0–9 token", () => {
    expect(rougeL("", "testing one two")).toEqual({ value: 0, reason: null, precision: 0, recall: 0 });
    expect(rougeL("/", "w1 w2").value).toBe(0);
  });

  it("testLcsTable: LCS of [1,2,3,4,5] and [2,5,3,4] is 3, of [1,2,3,4,5] and [8,9] is 0", () => {
    expect(lcsLength(["1", "2", "3", "4", "5"], ["2", "5", "3", "4"])).toBe(3);
    expect(lcsLength(["1", "2", "3", "4", "5"], ["8", "9"])).toBe(0);
  });

  it("tokenises as rouge-score: lower-case, non-alphanumerics as spaces, non-Latin dropped", () => {
    expect(rougeTokens("It's Café-2 東京!")).toEqual(["it", "s", "caf", "2"]);
  });

  it("refuses more tokens than the bound with a reason", () => {
    expect(rougeL("a ".repeat(11), "a", { maxTokens: 10 })).toEqual({ value: null, reason: "The output has more than 10 tokens, the limit for ROUGE-L.", precision: null, recall: null });
  });
});
