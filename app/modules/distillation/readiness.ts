/**
 * The distillation-readiness arithmetic: what each labelling policy would cost a month, and the
 * plain verdict. Pure and browser-safe; compute-report.server.ts gathers the figures. See
 * docs/decisions/0018-distillation-report.md.
 */
import type { Estimate } from "~/modules/stats/estimate";

/** Per item, what each route costs in US dollars; null when it is not known. */
export type RouteCostsPerItem = { llm: number | null; classifier: number; people: number | null };

/**
 * Under the hybrid policy, the share of items each route handles. They need not add up to 1: an
 * item the LLM was asked about and whose answer was rejected costs an LLM call and people's time.
 */
export type HybridShares = {
  classifier: number;
  llm: number;
  people: number;
  /** The routing policy's own LLM's cost per call when known; otherwise the calls are priced as the best judge's. */
  llmUsdPerItem?: number | null;
};

export const policies = ["all-llm", "all-classifier", "hybrid"] as const;
export type Policy = (typeof policies)[number];

/** One policy at the project's volume: its monthly cost and its saving against all-LLM; null with `reason` when a cost it needs is unknown. */
export type PolicyCost = { policy: Policy; monthlyUsd: number | null; savingUsd: number | null; reason: string | null };

/**
 * Monthly cost of each policy at `monthlyItems` (items added in the last 30 days), and its saving
 * against sending every item to the LLM judge — the starting point this report is about leaving.
 */
export function monthlyCosts(monthlyItems: number, costs: RouteCostsPerItem, hybrid: HybridShares | null): PolicyCost[] {
  const llmUnknown = "Unknown: the LLM judge has no recorded cost per item.";
  const allLlm = costs.llm === null ? null : monthlyItems * costs.llm;
  const saving = (monthly: number | null) => (monthly === null || allLlm === null ? null : allLlm - monthly);
  const allClassifier = monthlyItems * costs.classifier;
  let hybridCost: number | null = null;
  let hybridReason: string | null = null;
  const hybridLlm = hybrid?.llmUsdPerItem ?? costs.llm;
  if (!hybrid) hybridReason = "No routing policy: set one on the classifier page to price the hybrid.";
  else if (hybrid.llm > 0 && hybridLlm === null) hybridReason = llmUnknown;
  else if (hybrid.people > 0 && costs.people === null) hybridReason = "Unknown: people's cost needs an hourly rate.";
  else hybridCost = monthlyItems * (hybrid.classifier * costs.classifier + hybrid.llm * (hybridLlm ?? 0) + hybrid.people * (costs.people ?? 0));
  const row = (policy: Policy, monthlyUsd: number | null, reason: string | null): PolicyCost => ({
    policy,
    monthlyUsd,
    savingUsd: saving(monthlyUsd),
    reason: reason ?? (monthlyUsd !== null && allLlm === null ? llmUnknown.replace("Unknown", "Saving unknown") : null),
  });
  return [row("all-llm", allLlm, allLlm === null ? llmUnknown : null), row("all-classifier", allClassifier, null), row("hybrid", hybridCost, hybridReason)];
}

export const verdictCodes = ["switch", "hybrid", "keep-llm", "label-more", "unknown"] as const;
export type VerdictCode = (typeof verdictCodes)[number];
export type DistillationVerdict = { code: VerdictCode; text: string; detail: string };

export type VerdictInput = {
  /** The best LLM judge's agreement with people's consensus, and its cost per item. */
  llm: { agreement: Estimate; costPerItem: number | null } | null;
  classifier: { accuracy: Estimate; costPerItem: number } | null;
  /** Labels the classifier still needs to reach the LLM's agreement (0: none), or null when it cannot. */
  moreLabels: number | null;
  /** The routing policy's automated labels replayed on held-out items, and the hybrid's saving a month. */
  hybrid: { accuracy: Estimate; savingUsd: number | null } | null;
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The rule, first match wins:
 * 1. unknown — no LLM judge measured against people, or no ready classifier: nothing to compare.
 * 2. switch — the classifier's held-out accuracy is at or above the low end of the best judge's
 *    95% interval (within its CI or better) and the classifier is cheaper per item (it is, unless
 *    the judge's recorded cost is no more than the classifier's: a free local LLM).
 * 3. hybrid — a routing policy's machine labels, replayed on held-out items, are as good (their
 *    accuracy at or above that same low end) and the hybrid saves money against all-LLM.
 * 4. label N more — the learning curve reaches the judge's agreement after N more labels.
 * 5. keep the LLM — otherwise: the classifier falls short and its curve flattens below the judge.
 */
export function distillationVerdict(input: VerdictInput): DistillationVerdict {
  const { llm, classifier } = input;
  if (!llm || llm.agreement.value === null) {
    return { code: "unknown", text: "cannot say yet", detail: llm ? `The LLM judge's agreement is undefined: ${llm.agreement.reason}` : "No LLM judge has answered items people resolved, so there is nothing to distil from." };
  }
  if (!classifier || classifier.accuracy.value === null) {
    return { code: "unknown", text: "cannot say yet", detail: classifier ? `The classifier's accuracy is undefined: ${classifier.accuracy.reason}` : "No classifier model is ready: train one on the classifier page." };
  }
  // why: the point estimate when the interval is undefined, so one judged item cannot make any classifier "as good".
  const bar = llm.agreement.interval?.low ?? llm.agreement.value;
  const barText = `${pct(bar)} (the low end of the LLM judge's 95% CI; its agreement is ${pct(llm.agreement.value)})`;
  const cheaper = llm.costPerItem === null || classifier.costPerItem < llm.costPerItem;
  if (classifier.accuracy.value >= bar && cheaper) {
    return { code: "switch", text: "switch to the classifier", detail: `The classifier's held-out accuracy ${pct(classifier.accuracy.value)} reaches ${barText}, at a lower cost per item.` };
  }
  const hybrid = input.hybrid;
  if (hybrid && hybrid.accuracy.value !== null && hybrid.accuracy.value >= bar && hybrid.savingUsd !== null && hybrid.savingUsd > 0) {
    return {
      code: "hybrid",
      text: "run the hybrid policy",
      detail: `The routing policy's machine labels are right ${pct(hybrid.accuracy.value)} of the time on held-out items, reaching ${barText}, and save $${hybrid.savingUsd.toFixed(2)} a month.`,
    };
  }
  if (input.moreLabels !== null && input.moreLabels > 0) {
    return {
      code: "label-more",
      text: `label ${input.moreLabels.toLocaleString("en")} more`,
      detail: `The classifier's ${pct(classifier.accuracy.value)} is below ${barText}; its learning curve reaches the judge's agreement after about ${input.moreLabels.toLocaleString("en")} more labels.`,
    };
  }
  return {
    code: "keep-llm",
    text: "keep the LLM",
    detail: !cheaper
      ? "The LLM judge costs no more per item than the classifier."
      : input.moreLabels === 0
        ? `The classifier's ${pct(classifier.accuracy.value)} is below ${barText}, though its fitted learning curve says the labels there are should suffice: retrain, or check the labels.`
        : `The classifier's ${pct(classifier.accuracy.value)} is below ${barText}, and its learning curve is not expected to get there with more labels.`,
  };
}
