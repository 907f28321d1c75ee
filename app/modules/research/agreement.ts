/**
 * Agreement between coders of a coding sample, per theme and overall, from each coder's yes/no
 * (coded the theme or not) on each comment they finished. κ, α and percent agreement come from
 * quality/agreement.ts (one implementation of each); intervals from the seeded bootstrap over
 * comments (stats/bootstrap.ts). Pure and browser-safe; agreement.server.ts loads the data.
 */
import { AgreementAccumulator, cohensKappa, type Metric } from "~/modules/quality/agreement";
import { bootstrap } from "~/modules/stats/bootstrap";
import type { Estimate } from "~/modules/stats/estimate";

/** One comment of the sample finished by two or more of its coders, with each finishing coder's themes. */
export type AgreementUnit = { feedbackId: number; codedBy: string[]; themesBy: Record<string, string[]> };

export type AgreementInput = {
  coders: { id: string; name: string }[];
  themes: { id: string; name: string }[];
  units: AgreementUnit[];
  seed: number;
  resamples?: number;
};

export type ThemeAgreement = {
  themeId: string | null;
  name: string;
  /** Comments finished by two or more coders (the units). */
  n: number;
  /** How many of the coders' yes/no decisions were yes. */
  used: number;
  decisions: number;
  /** The share of decisions that were yes. */
  prevalence: Metric;
  percentAgreement: Metric;
  /** Positive specific agreement: the chance that, when one coder uses the theme, another does too. */
  positiveAgreement: Metric;
  /** Cohen's κ: only for a sample with exactly two coders. */
  cohensKappa: Estimate;
  alpha: Estimate;
  /** Comments where the coders differ on this theme. */
  disagreements: number[];
};

export type SampleAgreement = { coders: number; units: number; themes: ThemeAgreement[]; overall: ThemeAgreement; seed: number; resamples: number };

const undefinedMetric = (reason: string): Metric => ({ value: null, reason });
const noEstimate = (reason: string): Estimate => ({ value: null, reason, interval: null, intervalReason: null });

/** Per unit: how many of its finishing coders said yes, and how many finished it; plus the two coders' answers. */
type Cell = { yes: number; m: number; pair: [boolean, boolean] | null; counts: Map<string, number> };

function cellsFor(units: AgreementUnit[], themeIds: string[], pairCoders: [string, string] | null): Cell[][] {
  return units.map((u) =>
    themeIds.map((t) => {
      const yes = u.codedBy.filter((c) => u.themesBy[c]?.includes(t)).length;
      const m = u.codedBy.length;
      const pair = pairCoders ? ([u.themesBy[pairCoders[0]]?.includes(t) ?? false, u.themesBy[pairCoders[1]]?.includes(t) ?? false] as [boolean, boolean]) : null;
      return { yes, m, pair, counts: new Map([["yes", yes], ["no", m - yes]].filter(([, n]) => (n as number) > 0) as [string, number][]) };
    }),
  );
}

function alphaOf(rows: readonly Cell[][]): Metric {
  const acc = new AgreementAccumulator(false);
  for (const row of rows) for (const cell of row) acc.addUnit(cell.counts);
  return acc.result().alphaNominal;
}

function kappaOf(rows: readonly Cell[][]): Metric {
  const table = new Map<string, number>();
  for (const row of rows) for (const { pair } of row) if (pair) table.set(`${pair[0]}|${pair[1]}`, (table.get(`${pair[0]}|${pair[1]}`) ?? 0) + 1);
  return cohensKappa([...table].map(([key, n]) => ({ a: key.split("|")[0]!, b: key.split("|")[1]!, n })));
}

function withInterval(rows: Cell[][], metric: (rows: readonly Cell[][]) => Metric, seed: number, resamples: number): Estimate {
  const point = metric(rows);
  if (point.value === null) return noEstimate(point.reason ?? "Undefined.");
  const boot = bootstrap(rows, (sample) => metric(sample).value, { seed, resamples });
  // why: a resample can hold only comments without the theme; bootstrap() then says so as the interval's reason.
  return { ...point, interval: boot.interval, intervalReason: boot.interval ? null : (boot.intervalReason ?? boot.reason) };
}

function agreementOf(rows: Cell[][], themeId: string | null, name: string, units: AgreementUnit[], twoCoders: boolean, seed: number, resamples: number): ThemeAgreement {
  let used = 0;
  let decisions = 0;
  let pairsYes = 0;
  let pairsWithYes = 0;
  const disagreements: number[] = [];
  rows.forEach((row, u) => {
    let differs = false;
    for (const c of row) {
      used += c.yes;
      decisions += c.m;
      pairsYes += c.yes * (c.yes - 1);
      pairsWithYes += c.yes * (c.m - 1);
      if (c.yes > 0 && c.yes < c.m) differs = true;
    }
    if (differs) disagreements.push(units[u]!.feedbackId);
  });
  const acc = new AgreementAccumulator(false);
  for (const row of rows) for (const cell of row) acc.addUnit(cell.counts);
  const n = rows.length;
  const base = { themeId, name, n, used, decisions, disagreements };
  if (n < 2) {
    const reason = n === 0 ? "No comment of the sample has been finished by two or more of its coders yet." : "Only 1 comment has been finished by two or more coders; agreement needs at least 2.";
    return { ...base, prevalence: n ? { value: used / decisions, reason: null } : undefinedMetric(reason), percentAgreement: undefinedMetric(reason), positiveAgreement: undefinedMetric(reason), cohensKappa: noEstimate(reason), alpha: noEstimate(reason) };
  }
  const prevalence: Metric = { value: used / decisions, reason: null, basis: `${used} of ${decisions} decisions` };
  if (used === 0) {
    const reason = "No coder used this theme in the sample's comments, so there is nothing to agree on.";
    return { ...base, prevalence, percentAgreement: acc.result().percentAgreement, positiveAgreement: undefinedMetric(reason), cohensKappa: noEstimate(reason), alpha: noEstimate(reason) };
  }
  const allYes = used === decisions ? "Every coder used this theme on every comment; without any “no”, chance agreement is total and κ and α are undefined." : null;
  return {
    ...base,
    prevalence,
    percentAgreement: acc.result().percentAgreement,
    positiveAgreement: { value: pairsYes / pairsWithYes, reason: null, basis: `${used} use(s) of the theme` },
    cohensKappa: !twoCoders ? noEstimate("Cohen's κ is for exactly two coders; see Krippendorff's α.") : allYes ? noEstimate(allYes) : withInterval(rows, kappaOf, seed, resamples),
    alpha: allYes ? noEstimate(allYes) : withInterval(rows, alphaOf, seed, resamples),
  };
}

/**
 * Agreement per theme and overall (every comment × theme decision pooled). With exactly two
 * coders, Cohen's κ as well as Krippendorff's α (nominal). 95% intervals are percentile bootstrap
 * intervals over comments with the given seed (the same data and seed give the same interval).
 */
export function sampleAgreement(input: AgreementInput): SampleAgreement {
  const resamples = input.resamples ?? 1000;
  const pair = input.coders.length === 2 ? ([input.coders[0]!.id, input.coders[1]!.id] as [string, string]) : null;
  const themeIds = input.themes.map((t) => t.id);
  const cells = cellsFor(input.units, themeIds, pair);
  const themes = input.themes.map((t, i) =>
    agreementOf(
      cells.map((row) => [row[i]!]),
      t.id,
      t.name,
      input.units,
      pair !== null,
      input.seed,
      resamples,
    ),
  );
  const overall = agreementOf(cells, null, "All themes", input.units, pair !== null, input.seed, resamples);
  return { coders: input.coders.length, units: input.units.length, themes, overall, seed: input.seed, resamples };
}

export type Reading = { label: string; tone: "good" | "fair" | "poor" };

/** Landis & Koch (1977)'s bands for κ. */
export function readKappa(kappa: number): Reading {
  if (kappa < 0) return { label: "poor (worse than chance)", tone: "poor" };
  if (kappa <= 0.2) return { label: "slight", tone: "poor" };
  if (kappa <= 0.4) return { label: "fair", tone: "poor" };
  if (kappa <= 0.6) return { label: "moderate", tone: "fair" };
  if (kappa <= 0.8) return { label: "substantial", tone: "good" };
  return { label: "almost perfect", tone: "good" };
}

/** Krippendorff (2004, p. 241): rely on α ≥ .800; draw tentative conclusions only from .667 ≤ α < .800. */
export function readAlpha(alpha: number): Reading {
  if (alpha >= 0.8) return { label: "reliable (α ≥ .800)", tone: "good" };
  if (alpha >= 0.667) return { label: "tentative conclusions only (.667 ≤ α < .800)", tone: "fair" };
  return { label: "not reliable (α < .667): revise the theme's description", tone: "poor" };
}
