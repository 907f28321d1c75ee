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

/**
 * One comment's part of the figures, summed over the themes it stands for: yes and no values,
 * Σ_{c≠k} o_ck of its coincidences (Krippendorff 2011: n_c·n_k/(m−1) each way), and the two
 * coders' 2×2 table. Sums of these over a resample give α and κ in O(comments) per resample.
 */
type UnitSums = { yes: number; no: number; disagree: number; table: [number, number, number, number] };

function sumsOf(row: Cell[]): UnitSums {
  const s: UnitSums = { yes: 0, no: 0, disagree: 0, table: [0, 0, 0, 0] };
  for (const c of row) {
    s.yes += c.yes;
    s.no += c.m - c.yes;
    s.disagree += (2 * c.yes * (c.m - c.yes)) / (c.m - 1);
    if (c.pair) s.table[((c.pair[0] ? 2 : 0) + (c.pair[1] ? 1 : 0)) as 0 | 1 | 2 | 3] += 1;
  }
  return s;
}

/** Krippendorff's α for two values from the summed coincidences: 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k. */
export function binaryAlphaFromSums(sample: readonly UnitSums[]): number | null {
  let yes = 0;
  let no = 0;
  let disagree = 0;
  for (const u of sample) {
    yes += u.yes;
    no += u.no;
    disagree += u.disagree;
  }
  return yes === 0 || no === 0 ? null : 1 - ((yes + no - 1) * disagree) / (2 * yes * no);
}

function kappaFromSums(sample: readonly UnitSums[]): Metric {
  const t: [number, number, number, number] = [0, 0, 0, 0];
  for (const u of sample) for (const i of [0, 1, 2, 3] as const) t[i] += u.table[i];
  return cohensKappa([
    { a: "no", b: "no", n: t[0]! },
    { a: "no", b: "yes", n: t[1]! },
    { a: "yes", b: "no", n: t[2]! },
    { a: "yes", b: "yes", n: t[3]! },
  ]);
}

/** The point value from `point`, the 95% percentile bootstrap interval over comments from `statistic` on the comments' sums. */
function withInterval(point: Metric, sums: UnitSums[], statistic: (sample: readonly UnitSums[]) => number | null, seed: number, resamples: number): Estimate {
  if (point.value === null) return noEstimate(point.reason ?? "Undefined.");
  const boot = bootstrap(sums, statistic, { seed, resamples });
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
  const sums = rows.map(sumsOf);
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
    cohensKappa: !twoCoders
      ? noEstimate("Cohen's κ is for exactly two coders; see Krippendorff's α.")
      : allYes
        ? noEstimate(allYes)
        : withInterval(kappaFromSums(sums), sums, (sample) => kappaFromSums(sample).value, seed, resamples),
    // why: the point value is quality/agreement.ts's α; the resamples use the same formula on summed coincidences (agreement.test.ts checks they agree).
    alpha: allYes ? noEstimate(allYes) : withInterval(acc.result().alphaNominal, sums, binaryAlphaFromSums, seed, resamples),
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
