import { describe, expect, it } from "vitest";
import { routeItem, routingPolicySchema, simulateRouting, spotDraw, type RoutedItem } from "./policy";

const llm = { providerId: "00000000-0000-4000-8000-000000000001", model: "judge", promptVersionId: "00000000-0000-4000-8000-000000000002" };
const policy = (input: Parameters<typeof routingPolicySchema.parse>[0]) => routingPolicySchema.parse(input);
const item = (itemId: number, top: [string, number][], answer: RoutedItem["llm"] = null): RoutedItem => ({ itemId, top, llm: answer });
/** An item id the spot check does not draw at share 0.05 (and one it does), found rather than assumed. */
const notDrawn = Array.from({ length: 100 }, (_, i) => i + 1).find((id) => spotDraw(id) >= 0.05)!;
const drawn = Array.from({ length: 1000 }, (_, i) => i + 1).find((id) => spotDraw(id) < 0.05)!;

describe("routing one item", () => {
  const withLlm = policy({ high: 0.9, low: 0.5, spotCheck: 0.05, llm: { ...llm, minConfidence: 0.8, requireTop2: true } });
  it("sure → the classifier, unless drawn for a spot check", () => {
    expect(routeItem(withLlm, item(notDrawn, [["a", 0.95], ["b", 0.05]]))).toBe("classifier");
    expect(routeItem(withLlm, item(drawn, [["a", 0.95], ["b", 0.05]]))).toBe("spot-check");
    expect(routeItem(withLlm, item(notDrawn, [["a", 0.9], ["b", 0.1]]))).toBe("classifier");
  });
  it("in between → the LLM: waiting, accepted when confident and in the classifier's top two, else people", () => {
    expect(routeItem(withLlm, item(1, [["a", 0.6], ["b", 0.3]]))).toBe("llm-pending");
    expect(routeItem(withLlm, item(1, [["a", 0.6], ["b", 0.3]], { label: "b", confidence: 0.85 }))).toBe("llm");
    expect(routeItem(withLlm, item(1, [["a", 0.6], ["b", 0.3], ["c", 0.1]], { label: "c", confidence: 0.99 }))).toBe("llm-rejected");
    expect(routeItem(withLlm, item(1, [["a", 0.6], ["b", 0.4]], { label: "a", confidence: 0.7 }))).toBe("llm-rejected");
    expect(routeItem(withLlm, item(1, [["a", 0.6], ["b", 0.4]], { label: "a", confidence: null }))).toBe("llm-rejected");
    const lenient = policy({ high: 0.9, low: 0.5, llm: { ...llm } });
    expect(routeItem(lenient, item(1, [["a", 0.6], ["b", 0.3], ["c", 0.1]], { label: "c", confidence: null }))).toBe("llm");
  });
  it("unsure, or no LLM configured → people", () => {
    expect(routeItem(withLlm, item(1, [["a", 0.49], ["b", 0.3]]))).toBe("people");
    expect(routeItem(policy({ high: 0.9, low: 0.5 }), item(1, [["a", 0.7], ["b", 0.3]]))).toBe("people");
  });
  it("refuses a low threshold above the high one, by field", () => {
    const result = routingPolicySchema.safeParse({ high: 0.5, low: 0.8 });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["low", "The low threshold must not be above the high one."]]);
  });
});

describe("the spot-check draw", () => {
  it("is fixed per item and spreads evenly: about 5% of 100,000 ids under 0.05, each tenth of [0, 1) about a tenth", () => {
    expect(spotDraw(12345)).toBe(spotDraw(12345));
    const draws = Array.from({ length: 100_000 }, (_, i) => spotDraw(i + 1));
    const under = draws.filter((d) => d < 0.05).length / draws.length;
    expect(under).toBeGreaterThan(0.045);
    expect(under).toBeLessThan(0.055);
    for (let decile = 0; decile < 10; decile++) {
      const share = draws.filter((d) => d >= decile / 10 && d < (decile + 1) / 10).length / draws.length;
      expect(Math.abs(share - 0.1)).toBeLessThan(0.005);
    }
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
  });
});

describe("simulating a policy on labelled items", () => {
  it("counts every item once, scores the machine labels against the people's with Wilson intervals (statsmodels values), and costs it", () => {
    const p = policy({ high: 0.9, low: 0.5, spotCheck: 0, llm: { ...llm } });
    const rows = [
      // classifier: 3 right of 4
      { ...item(1, [["a", 0.95]]), truth: "a" },
      { ...item(2, [["a", 0.97]]), truth: "a" },
      { ...item(3, [["b", 0.92]]), truth: "b" },
      { ...item(4, [["b", 0.91]]), truth: "a" },
      // LLM: 2 answers, both accepted, 1 right; one item with no answer on record
      { ...item(5, [["a", 0.6]], { label: "a", confidence: 0.9 }), truth: "a" },
      { ...item(6, [["a", 0.6]], { label: "b", confidence: 0.9 }), truth: "a" },
      { ...item(7, [["a", 0.7]]), truth: "a" },
      // people
      { ...item(8, [["a", 0.3]]), truth: "b" },
    ];
    const s = simulateRouting(p, rows, { llmUsdPerItem: 0.01, peopleUsdPerItem: 0.5 });
    expect(s.items).toBe(8);
    expect(s.counts).toEqual({ classifier: 4, "spot-check": 0, llm: 2, "llm-rejected": 0, "llm-pending": 1, people: 1 });
    expect(Object.values(s.counts).reduce((a, b) => a + b, 0)).toBe(8);
    expect(s.automated.value).toBe(6 / 8);
    expect(s.classifierAccuracy.value).toBe(0.75);
    // statsmodels proportion_confint(3, 4, method='wilson') = (0.30064184258240184, 0.9544127391902995)
    expect(s.classifierAccuracy.interval!.low).toBeCloseTo(0.30064184258240184, 12);
    expect(s.classifierAccuracy.interval!.high).toBeCloseTo(0.9544127391902995, 12);
    expect(s.llmAccuracy.value).toBe(0.5);
    expect(s.automatedAccuracy.value).toBe(4 / 6);
    expect(s.llmCalls).toBe(3);
    expect(s.peopleItems).toBe(1);
    expect(s.costUsd).toBeCloseTo(3 * 0.01 + 0.5, 12);
    const unknown = simulateRouting(p, rows, { llmUsdPerItem: 0.01, peopleUsdPerItem: null });
    expect(unknown.costUsd).toBeNull();
    expect(unknown.costNote).toBe("Unknown: people's cost per item needs an hourly rate.");
  });

  it("says why the accuracy of a route that labelled nothing is undefined", () => {
    const s = simulateRouting(policy({ high: 1, low: 1 }), [{ ...item(1, [["a", 0.5]]), truth: "a" }], { llmUsdPerItem: null, peopleUsdPerItem: 1 });
    expect(s.counts.people).toBe(1);
    expect(s.automatedAccuracy).toMatchObject({ value: null, reason: expect.any(String) });
    expect(s.costUsd).toBe(1);
  });
});
