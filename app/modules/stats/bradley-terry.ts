/**
 * Bradley–Terry ranking of models from pairwise answers, fitted by the MM algorithm of Hunter
 * (2004, "MM algorithms for generalized Bradley–Terry models", Ann. Statist. 32, eq. 3 — Zermelo's
 * iteration), with a tie counted as half a win to each side. The maximum-likelihood strengths
 * exist only when the comparisons are strongly connected (Ford 1957; Hunter 2004, Assumption 1):
 * otherwise this says so and names the groups instead of inventing a ranking. Intervals for
 * each model's strength and rank come from a seeded bootstrap over comparisons.
 */
import { checkLevel, type Interval } from "./estimate";
import { quantileSorted } from "./bootstrap";
import { MersenneTwister } from "./random";

/** Counts for one pair of models: a's wins over b, b's wins over a, and ties. */
export type PairCount = { a: string; b: string; aWins: number; bWins: number; ties: number };

export type RankedModel = {
  model: string;
  /** Strength normalised so that all models' strengths sum to 1. */
  strength: number;
  /** 1 for the strongest; models with equal strength share a rank. */
  rank: number;
  strengthInterval: Interval | null;
  rankInterval: { low: number; high: number; level: number } | null;
};

export type Ranking = {
  /** Strongest first. */
  models: RankedModel[];
  /** winProbability[i][j] = P(models[i] beats models[j]) = p_i / (p_i + p_j). */
  winProbability: number[][];
  iterations: number;
  comparisons: number;
  intervalReason: string | null;
  basis: string;
};

export type RankingResult = { value: Ranking; reason: null } | { value: null; reason: string; groups?: string[][] };

export type FitOptions = { tolerance?: number; maxIterations?: number };
export type RankingOptions = FitOptions & { seed?: number; resamples?: number; level?: number; maxDraws?: number; minResamples?: number };

type Table = { models: string[]; wins: Float64Array[]; games: Float64Array[]; total: number };

function tableFrom(pairs: readonly PairCount[]): Table {
  const index = new Map<string, number>();
  for (const { a, b } of pairs) for (const m of [a, b]) if (!index.has(m)) index.set(m, index.size);
  const k = index.size;
  const wins = Array.from({ length: k }, () => new Float64Array(k));
  const games = Array.from({ length: k }, () => new Float64Array(k));
  let total = 0;
  pairs.forEach((row, line) => {
    for (const field of ["aWins", "bWins", "ties"] as const) {
      if (!Number.isInteger(row[field]) || row[field] < 0) throw new RangeError(`Pair ${line + 1} (${row.a} vs ${row.b}): ${field} must be a whole number ≥ 0; got ${row[field]}.`);
    }
    if (row.a === row.b) throw new RangeError(`Pair ${line + 1}: a model cannot be compared with itself (${row.a}).`);
    const i = index.get(row.a)!;
    const j = index.get(row.b)!;
    wins[i]![j]! += row.aWins + row.ties / 2;
    wins[j]![i]! += row.bWins + row.ties / 2;
    const n = row.aWins + row.bWins + row.ties;
    games[i]![j]! += n;
    games[j]![i]! += n;
    total += n;
  });
  return { models: [...index.keys()], wins, games, total };
}

/** Strongly connected components of the graph with an edge i → j where `edges(i, j)` (Tarjan 1972). */
function components(edges: (i: number, j: number) => boolean, k: number): number[][] {
  const order = new Array<number>(k).fill(-1);
  const low = new Array<number>(k).fill(0);
  const onStack = new Array<boolean>(k).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  const visit = (v: number) => {
    order[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (let w = 0; w < k; w++) {
      if (w === v || !edges(v, w)) continue;
      if (order[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v]!, low[w]!);
      } else if (onStack[w]) low[v] = Math.min(low[v]!, order[w]!);
    }
    if (low[v] === order[v]) {
      const group: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = false;
        group.push(w);
      } while (w !== v);
      out.push(group.sort((a, b) => a - b));
    }
  };
  for (let v = 0; v < k; v++) if (order[v] === -1) visit(v);
  return out;
}

/** Why the MLE does not exist for this table, or null when it does. */
function nonExistence(t: Table): { reason: string; groups: string[][] } | null {
  const k = t.models.length;
  const names = (groups: number[][]) => groups.map((g) => g.map((i) => t.models[i]!));
  const list = (groups: string[][]) => groups.map((g) => `[${g.join(", ")}]`).join(", ");
  const connected = components((i, j) => t.games[i]![j]! > 0, k).sort((a, b) => a[0]! - b[0]!);
  if (connected.length > 1) {
    const groups = names(connected);
    return { reason: `The models fall into ${groups.length} groups never compared with each other: ${list(groups)}. Strengths cannot be compared across groups, so there is no overall ranking.`, groups };
  }
  // why: Tarjan emits components sinks first; reversed, no later group ever beat an earlier one.
  const strong = components((i, j) => t.wins[i]![j]! > 0, k).reverse();
  if (strong.length > 1) {
    const groups = names(strong);
    return {
      reason: `Some models never beat (or never lost to) the rest, so their maximum-likelihood strength is zero (or unbounded) and no ranking exists yet. No model in a later group ever beat one in an earlier group: ${list(groups)}.`,
      groups,
    };
  }
  return null;
}

/** Hunter's MM iteration on a strongly connected table; strengths sum to 1. */
function mm(t: Table, options: FitOptions): { p: Float64Array; iterations: number } | null {
  const k = t.models.length;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 10_000;
  const w = t.wins.map((row) => row.reduce((s, v) => s + v, 0));
  let p = new Float64Array(k).fill(1 / k);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const next = new Float64Array(k);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      let denominator = 0;
      for (let j = 0; j < k; j++) if (j !== i && t.games[i]![j]! > 0) denominator += t.games[i]![j]! / (p[i]! + p[j]!);
      next[i] = w[i]! / denominator;
      sum += next[i]!;
    }
    let change = 0;
    for (let i = 0; i < k; i++) {
      next[i]! /= sum;
      change = Math.max(change, Math.abs(Math.log(next[i]! / p[i]!)));
    }
    p = next;
    // why: stop on the largest relative change of any strength, which is scale-free.
    if (change < tolerance) return { p, iterations: iteration };
  }
  return null;
}

function ranks(p: ArrayLike<number>): number[] {
  return Array.from(p, (v) => 1 + Array.from(p).filter((u) => u > v).length);
}

/**
 * Fits Bradley–Terry to pair counts and, with a `seed`, adds bootstrap intervals: each resample
 * draws as many comparisons as there are, with replacement, from the observed ones, and refits.
 * The work is bounded by `maxDraws` (comparisons × resamples, 50,000,000 by default): above it
 * the number of resamples is lowered, and below `minResamples` (200) there is no interval.
 */
export function rankModels(pairs: readonly PairCount[], options: RankingOptions = {}): RankingResult {
  const t = tableFrom(pairs);
  if (t.models.length < 2 || t.total === 0) return { value: null, reason: "A ranking needs answers comparing at least two models." };
  const missing = nonExistence(t);
  if (missing) return { value: null, ...missing };
  const fit = mm(t, options);
  if (!fit) return { value: null, reason: `The MM algorithm did not converge in ${options.maxIterations ?? 10_000} iterations.` };
  const k = t.models.length;
  // Leaderboard order: strongest first (ties in first-seen order).
  const order = t.models.map((_, i) => i).sort((a, b) => fit.p[b]! - fit.p[a]! || a - b);
  const winProbability = order.map((i) => order.map((j) => (i === j ? 0.5 : fit.p[i]! / (fit.p[i]! + fit.p[j]!))));
  const rank = ranks(fit.p);
  const level = options.level ?? 0.95;
  checkLevel(level);
  const boot = options.seed === undefined ? { reason: "No seed was given, so no bootstrap intervals were computed." } : bootstrapRanking(pairs, t, options, level);
  const models = order.map((i) => ({
    model: t.models[i]!,
    strength: fit.p[i]!,
    rank: rank[i]!,
    strengthInterval: "strength" in boot ? boot.strength[i]! : null,
    rankInterval: "rank" in boot ? boot.rank[i]! : null,
  }));
  return {
    value: {
      models,
      winProbability,
      iterations: fit.iterations,
      comparisons: t.total,
      intervalReason: "reason" in boot ? (boot.reason ?? null) : null,
      basis: `${t.total} comparison(s) of ${k} models${"basis" in boot ? `; ${boot.basis}` : ""}`,
    },
    reason: null,
  };
}

function bootstrapRanking(pairs: readonly PairCount[], t: Table, options: RankingOptions, level: number) {
  const requested = options.resamples ?? 1000;
  const resamples = Math.min(requested, Math.floor((options.maxDraws ?? 50_000_000) / t.total));
  const minResamples = options.minResamples ?? 200;
  if (resamples < minResamples) {
    return { reason: `${t.total} comparisons are too many to bootstrap ${minResamples} times within the work bound; intervals need a larger bound.` };
  }
  // One cell per (pair, outcome); a resample draws t.total cells by their observed counts.
  const cells: { pair: number; outcome: "aWins" | "bWins" | "ties" }[] = [];
  const cumulative: number[] = [];
  let running = 0;
  pairs.forEach((row, pair) => {
    for (const outcome of ["aWins", "bWins", "ties"] as const) {
      if (row[outcome] === 0) continue;
      running += row[outcome];
      cells.push({ pair, outcome });
      cumulative.push(running);
    }
  });
  const random = new MersenneTwister(options.seed!);
  const k = t.models.length;
  const strengths: number[][] = Array.from({ length: k }, () => []);
  const rankDraws: number[][] = Array.from({ length: k }, () => []);
  let failed = 0;
  const counts = new Float64Array(cells.length);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let d = 0; d < t.total; d++) {
      const u = random.nextIndex(t.total);
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]!++;
    }
    const resampled = pairs.map((row) => ({ a: row.a, b: row.b, aWins: 0, bWins: 0, ties: 0 }));
    cells.forEach((cell, c) => (resampled[cell.pair]![cell.outcome] += counts[c]!));
    const rt = tableFrom(resampled);
    // why: a resample can lose a model or break strong connection; its fit is undefined, not zero.
    const fit = rt.models.length === k && !nonExistence(rt) ? mm(rt, options) : null;
    if (!fit) {
      failed++;
      continue;
    }
    const r = ranks(fit.p);
    rt.models.forEach((m, i) => {
      const original = t.models.indexOf(m);
      strengths[original]!.push(fit.p[i]!);
      rankDraws[original]!.push(r[i]!);
    });
  }
  if (failed > 0.05 * resamples) {
    return { reason: `${failed} of ${resamples} resamples had no ranking (a model never won or was never compared), too many for an interval.` };
  }
  const alpha = (1 - level) / 2;
  const used = resamples - failed;
  return {
    strength: strengths.map((s) => {
      const sorted = Float64Array.from(s).sort();
      return { low: quantileSorted(sorted, alpha), high: quantileSorted(sorted, 1 - alpha), level, method: "bootstrap percentile" };
    }),
    // Rank bounds are order statistics rounded outwards, so they stay whole ranks.
    rank: rankDraws.map((r) => {
      const sorted = Float64Array.from(r).sort();
      return { low: sorted[Math.floor(alpha * (used - 1))]!, high: sorted[Math.ceil((1 - alpha) * (used - 1))]!, level };
    }),
    basis: `${resamples} bootstrap resamples of the comparisons, seed ${options.seed}${failed ? ` (${failed} without a ranking left out)` : ""}`,
  };
}
