import { z } from "zod";
import { wilsonInterval } from "~/modules/stats/proportion";
import type { Estimate } from "~/modules/stats/estimate";

export const routingPolicySchema = z
  .object({
    high: z.number({ error: "Expected a probability between 0 and 1." }).min(0, { error: "At least 0." }).max(1, { error: "At most 1." }).default(0.9),
    low: z.number({ error: "Expected a probability between 0 and 1." }).min(0, { error: "At least 0." }).max(1, { error: "At most 1." }).default(0.5),
    spotCheck: z.number({ error: "Expected a share between 0 and 1." }).min(0, { error: "At least 0." }).max(1, { error: "At most 1." }).default(0.05),
    llm: z
      .object({
        providerId: z.uuid({ error: "Choose a provider (its id)." }),
        model: z.string().trim().min(1, { error: "Choose a model." }).max(200),
        promptVersionId: z.uuid({ error: "Choose a judge prompt version (its id)." }),
        minConfidence: z.number().min(0).max(1).nullable().default(null).describe("accept the LLM's answer at or above this confidence; null: any"),
        requireTop2: z.boolean().default(false).describe("accept it only when it is one of the classifier's two most probable classes"),
      })
      .nullable()
      .default(null)
      .describe("the LLM judge asked about items between low and high; null: those go to people"),
  })
  .refine((p) => p.low <= p.high, { error: "The low threshold must not be above the high one.", path: ["low"] });
export type RoutingPolicyInput = z.input<typeof routingPolicySchema>;
export type RoutingPolicy = z.output<typeof routingPolicySchema>;

/** Where an item goes. */
export const routes = ["classifier", "spot-check", "llm", "llm-rejected", "llm-pending", "people"] as const;
export type Route = (typeof routes)[number];
export type RouteCounts = Record<Route, number>;
export const emptyCounts = (): RouteCounts => Object.fromEntries(routes.map((r) => [r, 0])) as RouteCounts;

/** What routing knows of one item: the classifier's most probable classes, and the LLM judge's answer if it gave one. */
export type RoutedItem = { itemId: number; top: readonly (readonly [string, number])[]; llm: { label: string; confidence: number | null } | null };

/**
 * The spot-check draw: a fixed pseudo-random number in [0, 1) per item (a 32-bit integer hash of
 * its id), so the same items are checked however often routing runs, and about `share` of them.
 */
export function spotDraw(itemId: number): number {
  let h = Math.imul(itemId ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/**
 * The policy's decision for one item. Sure (top probability ≥ high): the classifier's label, unless
 * the item is drawn for a spot check. In between (≥ low): the LLM judge's, once it answered and its
 * answer passes (confident enough; one of the classifier's top two when asked) — rejected answers
 * and items with no LLM configured go to people. Below low: people.
 */
export function routeItem(policy: RoutingPolicy, item: RoutedItem): Route {
  const top = item.top[0]?.[1] ?? 0;
  if (top >= policy.high) return spotDraw(item.itemId) < policy.spotCheck ? "spot-check" : "classifier";
  if (top < policy.low || !policy.llm) return "people";
  if (!item.llm) return "llm-pending";
  const confident = policy.llm.minConfidence === null || (item.llm.confidence !== null && item.llm.confidence >= policy.llm.minConfidence);
  const inTop2 = !policy.llm.requireTop2 || item.top.slice(0, 2).some(([label]) => label === item.llm!.label);
  return confident && inTop2 ? "llm" : "llm-rejected";
}

/** The label a machine route gives the item (classifier or LLM), or null for people's routes. */
export function machineLabel(route: Route, item: RoutedItem): { label: string; confidence: number | null; source: "classifier" | "llm" } | null {
  if (route === "classifier") return { label: item.top[0]![0], confidence: item.top[0]![1], source: "classifier" };
  if (route === "llm") return { label: item.llm!.label, confidence: item.llm!.confidence, source: "llm" };
  return null;
}

export type Simulation = {
  items: number;
  counts: RouteCounts;
  /** Share of the items a machine labels (classifier or LLM). */
  automated: Estimate;
  /** Of the machine-labelled items, the share whose label equals the people's. */
  automatedAccuracy: Estimate;
  classifierAccuracy: Estimate;
  llmAccuracy: Estimate;
  /** LLM calls the policy makes (every item between the thresholds is asked) and items people label. */
  llmCalls: number;
  peopleItems: number;
  /** Estimated cost of the policy on these items, where the per-item costs are known. */
  costUsd: number | null;
  costNote: string;
};
export type RouteCosts = { llmUsdPerItem: number | null; peopleUsdPerItem: number | null };

/**
 * What a policy would have done on items people already labelled (the classifier's held-out items,
 * which it never trained on): the share it automates, how often its machine labels match the
 * people's (Wilson intervals), and what it costs. An item between the thresholds without an LLM
 * answer on record counts as asked, with its outcome unknown: it is left out of the LLM accuracy
 * and counted under `llm-pending`.
 */
export function simulateRouting(policy: RoutingPolicy, rows: (RoutedItem & { truth: string })[], costs: RouteCosts): Simulation {
  const counts = emptyCounts();
  let classifierRight = 0;
  let llmRight = 0;
  for (const row of rows) {
    const route = routeItem(policy, row);
    counts[route]++;
    const label = machineLabel(route, row);
    if (label?.source === "classifier" && label.label === row.truth) classifierRight++;
    if (label?.source === "llm" && label.label === row.truth) llmRight++;
  }
  const automated = counts.classifier + counts.llm;
  const llmCalls = counts.llm + counts["llm-rejected"] + counts["llm-pending"];
  const peopleItems = counts.people + counts["spot-check"] + counts["llm-rejected"];
  const costKnown = (llmCalls === 0 || costs.llmUsdPerItem !== null) && (peopleItems === 0 || costs.peopleUsdPerItem !== null);
  return {
    items: rows.length,
    counts,
    automated: wilsonInterval(automated, rows.length),
    automatedAccuracy: wilsonInterval(classifierRight + llmRight, automated),
    classifierAccuracy: wilsonInterval(classifierRight, counts.classifier),
    llmAccuracy: wilsonInterval(llmRight, counts.llm),
    llmCalls,
    peopleItems,
    costUsd: costKnown ? llmCalls * (costs.llmUsdPerItem ?? 0) + peopleItems * (costs.peopleUsdPerItem ?? 0) : null,
    costNote: costKnown
      ? "LLM calls at the judge's recorded cost per item, people's items at their recorded cost; the classifier's compute counted as free."
      : costs.llmUsdPerItem === null && llmCalls > 0
        ? "Unknown: the LLM judge has no recorded cost per item yet (run it on some items first)."
        : "Unknown: people's cost per item needs an hourly rate.",
  };
}
