import type { Estimate } from "~/modules/stats/estimate";
import type { Figures, Verdict, VerdictFigure } from "./report";

const fmt = (x: number) => x.toFixed(2);
const nameOf: Record<VerdictFigure, string> = { kappa: "κ", mae: "mean absolute error" };

export const verdictTexts = {
  "too-few": "too few items to say",
  undefined: "cannot say",
  comparable: "agrees with people about as well as a reviewer does",
  better: "better than the average reviewer",
  "worse-than-average": "worse than the average reviewer",
  "worse-than-any": "worse than any reviewer",
} as const;

/**
 * The judge's figure (κ, or the mean absolute error for ratings) against each reviewer's figure
 * with the consensus of the others. Only reviewers with at least `minItems` compared items count.
 * About as well as a reviewer: the judge's 95% interval holds the reviewers' mean. Otherwise
 * better than the average, worse than the average, or worse than every reviewer.
 */
export function verdictOf(figure: VerdictFigure, judge: Figures, reviewers: Figures[], minItems: number): Verdict {
  const pick = (f: Figures): Estimate | null => (figure === "kappa" ? f.kappa : f.mae);
  const name = nameOf[figure];
  if (judge.items < minItems) {
    return { code: "too-few", text: verdictTexts["too-few"], detail: `${judge.items} item(s) compared; at least ${minItems} are needed.` };
  }
  const own = pick(judge)!;
  if (own.value === null) return { code: "undefined", text: verdictTexts.undefined, detail: `The judge's ${name} is undefined: ${own.reason}` };
  const counted = reviewers.filter((r) => r.items >= minItems && pick(r)?.value != null).map((r) => pick(r)!.value!);
  if (!counted.length) {
    return { code: "too-few", text: verdictTexts["too-few"], detail: `No reviewer has ${minItems} or more resolved items that other reviewers answered too, so there is nothing to compare the judge with.` };
  }
  // why: a higher κ is better, a lower error is better; `score` makes "better" always "higher".
  const score = (x: number) => (figure === "kappa" ? x : -x);
  const mean = counted.reduce((s, x) => s + x, 0) / counted.length;
  const worst = counted.reduce((w, x) => (score(x) < score(w) ? x : w));
  const low = Math.min(...counted);
  const high = Math.max(...counted);
  const interval = own.interval;
  const ci = interval ? ` (${Math.round(interval.level * 100)}% CI ${fmt(interval.low)} to ${fmt(interval.high)})` : "";
  const detail =
    `Judge ${name} ${fmt(own.value)}${ci} on ${judge.items} item(s); ` +
    `${counted.length} reviewer(s) against the others: mean ${fmt(mean)}, from ${fmt(low)} to ${fmt(high)}.`;
  const holdsMean = interval ? interval.low <= mean && mean <= interval.high : own.value === mean;
  const code = holdsMean ? "comparable" : score(own.value) > score(mean) ? "better" : score(own.value) < score(worst) ? "worse-than-any" : "worse-than-average";
  return { code, text: verdictTexts[code], detail };
}
