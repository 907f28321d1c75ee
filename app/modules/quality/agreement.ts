/**
 * Inter-rater agreement from per-unit category counts, in one pass and memory that grows with the
 * number of categories, never with the number of units or answers. Browser-safe and pure; the
 * SQL that feeds it is in compute-quality.server.ts.
 */

/** A figure that may be undefined for the data at hand; then `value` is null and `reason` says why. */
export type Metric = { value: number | null; reason: string | null; basis?: string };

const undefinedBecause = (reason: string): Metric => ({ value: null, reason });
const defined = (value: number, basis?: string): Metric => ({ value, reason: null, ...(basis ? { basis } : {}) });

export type Level = "nominal" | "ordinal" | "interval";
export type UnitMetrics = { percentAgreement: Metric; fleissKappa: Metric; alphaNominal: Metric; alphaOrdinal: Metric; alphaInterval: Metric };

type FleissGroup = { units: number; sumP: number; totals: Map<string, number> };

/**
 * Feed it one unit (item) at a time as category → number of raters who chose it; read the
 * figures at the end. Categories are strings; with `numeric`, they are also numbers for the
 * ordinal and interval α (ordered by value).
 */
export class AgreementAccumulator {
  /** Coincidences o_ck (Krippendorff), keyed "c\u0000k". */
  private readonly coincidences = new Map<string, number>();
  private readonly fleiss = new Map<number, FleissGroup>();
  private pairable = 0;
  private sumP = 0;
  private units = 0;

  constructor(private readonly numeric: boolean) {}

  addUnit(counts: Map<string, number>): void {
    this.units++;
    let m = 0;
    for (const n of counts.values()) m += n;
    if (m < 2) return;
    this.pairable++;
    let same = 0;
    for (const [c, nc] of counts) {
      same += nc * (nc - 1);
      for (const [k, nk] of counts) {
        const o = (c === k ? nc * (nc - 1) : nc * nk) / (m - 1);
        if (o) this.coincidences.set(`${c}\u0000${k}`, (this.coincidences.get(`${c}\u0000${k}`) ?? 0) + o);
      }
    }
    const p = same / (m * (m - 1));
    this.sumP += p;
    const group = this.fleiss.get(m) ?? { units: 0, sumP: 0, totals: new Map<string, number>() };
    group.units++;
    group.sumP += p;
    for (const [c, nc] of counts) group.totals.set(c, (group.totals.get(c) ?? 0) + nc);
    this.fleiss.set(m, group);
  }

  result(): UnitMetrics {
    const none = this.pairable === 0 ? undefinedBecause(this.units === 0 ? "No answers yet." : "No item has two or more answers yet.") : null;
    const notNumeric = undefinedBecause("The answers are categories without an order or a distance.");
    return {
      percentAgreement: none ?? defined(this.sumP / this.pairable, `${this.pairable} item(s) with two or more answers`),
      fleissKappa: none ?? this.fleissKappa(),
      alphaNominal: none ?? this.alpha("nominal"),
      alphaOrdinal: none ?? (this.numeric ? this.alpha("ordinal") : notNumeric),
      alphaInterval: none ?? (this.numeric ? this.alpha("interval") : notNumeric),
    };
  }

  /**
   * Fleiss' κ needs the same number of raters on every item. When items differ, it is computed
   * over the items with the most common number of answers (the larger number on a tie), and
   * `basis` says how many items that is.
   */
  private fleissKappa(): Metric {
    const [m, group] = [...this.fleiss.entries()].sort((a, b) => b[1].units - a[1].units || b[0] - a[0])[0]!;
    if (group.units < 2) return undefinedBecause("Fleiss' κ needs at least two items with the same number of answers.");
    const pBar = group.sumP / group.units;
    let pe = 0;
    for (const total of group.totals.values()) pe += (total / (group.units * m)) ** 2;
    if (pe === 1) return undefinedBecause("Every answer is the same category, so chance agreement is total and κ is undefined.");
    const basis = this.fleiss.size === 1 ? `${group.units} item(s) with ${m} answers each` : `${group.units} of ${this.pairable} item(s): those with ${m} answers (Fleiss' κ needs the same number on each)`;
    return defined((pBar - pe) / (1 - pe), basis);
  }

  /** Krippendorff's α = 1 − D_o / D_e from the coincidence matrix (Krippendorff 2011, §§ C–E). */
  private alpha(level: Level): Metric {
    const totals = new Map<string, number>();
    for (const [key, o] of this.coincidences) {
      const c = key.slice(0, key.indexOf("\u0000"));
      totals.set(c, (totals.get(c) ?? 0) + o);
    }
    const categories = [...totals.keys()];
    if (this.numeric) categories.sort((a, b) => Number(a) - Number(b));
    const n = [...totals.values()].reduce((a, b) => a + b, 0);
    const rank = new Map(categories.map((c, i) => [c, i]));
    const cumulative: number[] = [];
    categories.reduce((sum, c, i) => (cumulative[i] = sum + totals.get(c)!), 0);
    const delta2 = (c: string, k: string): number => {
      if (c === k) return 0;
      if (level === "nominal") return 1;
      if (level === "interval") return (Number(c) - Number(k)) ** 2;
      const [lo, hi] = [rank.get(c)!, rank.get(k)!].sort((a, b) => a - b) as [number, number];
      const between = cumulative[hi]! - (lo > 0 ? cumulative[lo - 1]! : 0);
      return (between - (totals.get(c)! + totals.get(k)!) / 2) ** 2;
    };
    let observed = 0;
    for (const [key, o] of this.coincidences) {
      const split = key.indexOf("\u0000");
      observed += o * delta2(key.slice(0, split), key.slice(split + 1));
    }
    let expected = 0;
    for (const c of categories) for (const k of categories) expected += totals.get(c)! * totals.get(k)! * delta2(c, k);
    if (expected === 0) return undefinedBecause("Every answer is the same value; α is undefined without variation.");
    return defined(1 - ((n - 1) * observed) / expected, `${this.pairable} item(s), ${Math.round(n)} pairable answers`);
  }
}

/**
 * Cohen's κ for exactly two raters from their contingency table: rows of (first rater's
 * category, second rater's category, number of items rated so by both).
 */
export function cohensKappa(table: { a: string; b: string; n: number }[]): Metric {
  const total = table.reduce((s, r) => s + r.n, 0);
  if (total === 0) return undefinedBecause("The two reviewers have no item in common.");
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  let agree = 0;
  for (const { a, b, n } of table) {
    rows.set(a, (rows.get(a) ?? 0) + n);
    cols.set(b, (cols.get(b) ?? 0) + n);
    if (a === b) agree += n;
  }
  let pe = 0;
  for (const [c, r] of rows) pe += (r / total) * ((cols.get(c) ?? 0) / total);
  if (pe === 1) return undefinedBecause("Both reviewers gave one and the same category throughout, so κ is undefined.");
  return defined((agree / total - pe) / (1 - pe), `${total} item(s) both reviewers answered`);
}
