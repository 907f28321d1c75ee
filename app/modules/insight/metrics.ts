/**
 * The dashboards' figures assembled from small SQL summaries (compute-metrics.server.ts): one
 * `Cell` per (figure, group | period | segment) with its count, sum, mean and M2. Pure and
 * browser-safe; every interval, change mark and segment gap comes from app/modules/stats — nothing
 * is recomputed here. Undefined figures are `{ value: null, reason }`, never NaN.
 */
import type { Estimate } from "~/modules/stats/estimate";
import { meanInterval, mergeSummaries, type Summary } from "~/modules/stats/mean";
import { markChanges, segmentGaps, type ChangeMark, type SegmentGap } from "~/modules/stats/monitoring";
import { headToHead, positionBias, type HeadToHead, type PositionBias } from "~/modules/stats/pairwise";
import { wilsonInterval } from "~/modules/stats/proportion";
import { rankModels, type PairCount, type RankingResult } from "~/modules/stats/bradley-terry";
import type { Question } from "~/modules/questions";

export const NOT_SET = "(not set)";
export const RANKING_SEED = 14;
export const RANKING_RESAMPLES = 1000;
/**
 * The bootstrap's work bound for the page (comparisons × resamples): ~1.4 s of redraws on the
 * 2-core machine. Above 50,000 comparisons fewer than 200 resamples fit and the leaderboard says
 * why it has no interval (stats/bradley-terry.ts) instead of holding the page for seconds.
 */
export const RANKING_MAX_DRAWS = 10_000_000;

export type FigureKind = "mean" | "rate";

/** One figure of the dashboards: what it is called, how it is estimated and which way is better. */
export type FigureDef = { id: string; label: string; kind: FigureKind; higherIsBetter: boolean; question: string | null; unit: string | null };

/**
 * The figures a template gives: each rating's mean, each thumbs question's share of "up", each
 * flag's rate, each span label's spans per 1,000 characters, each correction question's correction rate and mean normalised edit distance, and
 * the review time. Pairwise questions have their own section; choice and text have none here.
 */
export function figuresFor(questions: readonly Question[]): FigureDef[] {
  const out: FigureDef[] = [];
  for (const q of questions) {
    if (q.kind === "rating") out.push({ id: `rating:${q.key}`, label: `${q.text} (mean, ${q.min}–${q.max})`, kind: "mean", higherIsBetter: true, question: q.key, unit: null });
    if (q.kind === "thumbs") out.push({ id: `thumbs:${q.key}`, label: `${q.text} (thumbs-up rate)`, kind: "rate", higherIsBetter: true, question: q.key, unit: null });
    if (q.kind === "flags") {
      for (const o of q.options) out.push({ id: `flag:${q.key}:${o}`, label: `${q.text}: ${o} (rate)`, kind: "rate", higherIsBetter: false, question: q.key, unit: null });
    }
    if (q.kind === "spans") {
      for (const l of q.labels) out.push({ id: `spans:${q.key}:${l}`, label: `${q.text}: ${l} (spans per 1,000 characters)`, kind: "mean", higherIsBetter: false, question: q.key, unit: null });
    }
    if (q.kind === "correction") {
      out.push({ id: `corrected:${q.key}`, label: `${q.text} (correction rate)`, kind: "rate", higherIsBetter: false, question: q.key, unit: null });
      out.push({ id: `edit:${q.key}`, label: `${q.text} (mean normalised edit distance, output → correction)`, kind: "mean", higherIsBetter: false, question: q.key, unit: null });
    }
  }
  out.push({ id: "time", label: "Review time (mean seconds)", kind: "mean", higherIsBetter: false, question: null, unit: "s" });
  return out;
}

/** A summary of one figure over one slice: n values, their sum, mean and M2 = Σ(x − mean)². */
export type Cell = { figure: string; group: string | null; period: string | null; segment: string | null; n: number; items: number; sum: number; mean: number; m2: number };

/** A figure's estimate with the number of answers behind it. */
export type Figure = Estimate & { n: number };

export function estimateOf(kind: FigureKind, cell: Pick<Cell, "n" | "sum" | "mean" | "m2"> | undefined): Figure {
  const n = cell?.n ?? 0;
  if (kind === "rate") return { ...wilsonInterval(Math.round(cell?.sum ?? 0), n), n };
  const s: Summary = n ? { n, mean: cell!.mean, m2: cell!.m2 } : { n: 0, mean: 0, m2: 0 };
  return { ...meanInterval(s), n };
}

/** Many cells' summaries as one (periods of a week, say): sums add, M2 merges (Chan et al. 1979). */
export function mergeCells(cells: readonly Pick<Cell, "n" | "sum" | "mean" | "m2">[]): Pick<Cell, "n" | "sum" | "mean" | "m2"> {
  let s: Summary = { n: 0, mean: 0, m2: 0 };
  let sum = 0;
  for (const c of cells) {
    s = mergeSummaries(s, { n: c.n, mean: c.mean, m2: c.m2 });
    sum += c.sum;
  }
  return { n: s.n, sum, mean: s.mean, m2: s.m2 };
}

export type GroupRow = {
  group: string;
  items: number;
  answers: number;
  figures: Record<string, Figure>;
  /** Each rating question's distribution: value → count, lowest value first. */
  distributions: Record<string, { value: number; count: number }[]>;
};

export type TimelinePoint = { period: string; figure: Figure; change: ChangeMark };
export type TimelineSeries = { group: string; figure: string; points: TimelinePoint[] };

export type SegmentRow = SegmentGap & { figure: Figure };
export type SegmentFigure = { figure: string; rows: SegmentRow[] };

export type ReviewerBias = { reviewer: string; bias: PositionBias };
export type PairwiseSection = {
  question: string;
  text: string;
  comparisons: number;
  /** Answers left out of head-to-head: both outputs by the same model (or neither named). */
  sameModel: number;
  headToHead: HeadToHead[];
  /** Bradley–Terry for more than two models; null value with the reason otherwise. */
  leaderboard: RankingResult;
  positionBias: { overall: PositionBias; perReviewer: ReviewerBias[] };
};

export type SideCounts = { left: number; right: number; ties: number };

export type GroupByKind = "model" | "promptVersion" | "import" | "metadata";

/** What a report was asked for: the project, the grouping, the period and segment, the guard. */
export type ReportScope = {
  projectId: string;
  groupBy: string;
  interval: "day" | "week" | null;
  segment: string | null;
  from: string | null;
  to: string | null;
  minCount: number;
};

export type MetricsReport = ReportScope & {
  figures: FigureDef[];
  overall: GroupRow;
  groups: GroupRow[];
  pairwise: PairwiseSection[];
  timeline: TimelineSeries[] | null;
  segments: { field: string; summary: { segment: string; items: number; answers: number }[]; figures: SegmentFigure[] } | null;
  notes: string[];
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function groupRow(label: string, cells: readonly Cell[], figures: readonly FigureDef[], ratingKeys: readonly string[]): GroupRow {
  const byFigure = new Map(cells.map((c) => [c.figure, c]));
  const answers = byFigure.get("answers");
  const distributions: GroupRow["distributions"] = {};
  for (const key of ratingKeys) {
    const prefix = `dist:${key}:`;
    distributions[key] = cells
      .filter((c) => c.figure.startsWith(prefix))
      .map((c) => ({ value: Number(c.figure.slice(prefix.length)), count: c.n }))
      .sort((a, b) => a.value - b.value);
  }
  return {
    group: label,
    items: answers?.items ?? 0,
    answers: answers?.n ?? 0,
    figures: Object.fromEntries(figures.map((f) => [f.id, estimateOf(f.kind, byFigure.get(f.id))])),
    distributions,
  };
}

/**
 * Pair counts merged per unordered pair (a before b) in a fixed order, so the seeded bootstrap of
 * the ranking draws the same comparisons whatever order the database returned the rows in.
 */
export function canonicalPairs(rows: readonly PairCount[]): PairCount[] {
  const merged = new Map<string, PairCount>();
  for (const row of rows) {
    const [a, b, aWins, bWins] = row.a <= row.b ? [row.a, row.b, row.aWins, row.bWins] : [row.b, row.a, row.bWins, row.aWins];
    const key = JSON.stringify([a, b]);
    const m = merged.get(key) ?? { a, b, aWins: 0, bWins: 0, ties: 0 };
    merged.set(key, { a, b, aWins: m.aWins + aWins, bWins: m.bWins + bWins, ties: m.ties + row.ties });
  }
  return [...merged.values()].sort((x, y) => byText(x.a, y.a) || byText(x.b, y.b));
}

/** Groups every cell by a key of its slice. */
function bucket(cells: readonly Cell[], key: (c: Cell) => string): Map<string, Cell[]> {
  const m = new Map<string, Cell[]>();
  for (const c of cells) m.set(key(c), [...(m.get(key(c)) ?? []), c]);
  return m;
}

export type AssembleInput = ReportScope & {
  questions: readonly Question[];
  /** Cells with `group` set (and `period` for the timeline); `segment` set alone; neither for the whole. */
  cells: readonly Cell[];
  pairwise: { question: string; text: string; pairs: PairCount[]; sameModel: number; overall: SideCounts; perReviewer: { reviewer: string; counts: SideCounts }[] }[];
  notes: string[];
};

/** The report the page and the API show, from the SQL summaries. */
export function assembleMetrics(input: AssembleInput): MetricsReport {
  const figures = figuresFor(input.questions);
  const ratingKeys = input.questions.filter((q) => q.kind === "rating").map((q) => q.key);
  const whole = input.cells.filter((c) => c.group === null && c.period === null && c.segment === null);
  const perGroup = bucket(
    input.cells.filter((c) => c.group !== null && c.period === null && c.segment === null),
    (c) => c.group!,
  );
  const groups = [...perGroup.entries()].sort(([a], [b]) => byText(a, b)).map(([label, cells]) => groupRow(label, cells, figures, ratingKeys));

  let timeline: TimelineSeries[] | null = null;
  if (input.interval) {
    timeline = [];
    const series = bucket(
      input.cells.filter((c) => c.period !== null && c.segment === null),
      (c) => JSON.stringify([c.group, c.figure]),
    );
    for (const f of figures) {
      for (const group of [null, ...groups.map((g) => g.group)]) {
        const cells = (series.get(JSON.stringify([group, f.id])) ?? []).slice().sort((a, b) => byText(a.period!, b.period!));
        if (!cells.length) continue;
        const points = cells.map((c) => ({ period: c.period!, figure: estimateOf(f.kind, c) }));
        const marks = markChanges(points.map((p) => ({ period: p.period, estimate: p.figure })));
        timeline.push({ group: group ?? "All", figure: f.id, points: points.map((p, i) => ({ ...p, change: marks[i]! })) });
      }
    }
  }

  let segments: MetricsReport["segments"] = null;
  if (input.segment) {
    const perSegment = bucket(
      input.cells.filter((c) => c.segment !== null && c.group === null && c.period === null),
      (c) => c.segment!,
    );
    const names = [...perSegment.keys()].sort(byText);
    const summary = names.map((s) => {
      const answers = perSegment.get(s)!.find((c) => c.figure === "answers");
      return { segment: s, items: answers?.items ?? 0, answers: answers?.n ?? 0 };
    });
    const segmentFigures = figures.map((f) => {
      const inputs = names.map((s) => ({ segment: s, figure: estimateOf(f.kind, perSegment.get(s)!.find((c) => c.figure === f.id)) }));
      const gaps = segmentGaps(
        inputs.map((i) => ({ segment: i.segment, n: i.figure.n, estimate: i.figure })),
        { minCount: input.minCount, higherIsBetter: f.higherIsBetter },
      );
      return { figure: f.id, rows: gaps.map((g, i) => ({ ...g, figure: inputs[i]!.figure })) };
    });
    segments = { field: input.segment, summary, figures: segmentFigures };
  }

  const pairwise = input.pairwise.map((p): PairwiseSection => {
    const pairs = canonicalPairs(p.pairs);
    const models = new Set(pairs.flatMap((r) => [r.a, r.b]));
    const leaderboard: RankingResult =
      models.size > 2
        ? rankModels(pairs, { seed: RANKING_SEED, resamples: RANKING_RESAMPLES, maxDraws: RANKING_MAX_DRAWS })
        : { value: null, reason: models.size === 2 ? "Two models: the head-to-head table says all a ranking would." : "A ranking needs answers comparing at least two models." };
    return {
      question: p.question,
      text: p.text,
      comparisons: pairs.reduce((n, r) => n + r.aWins + r.bWins + r.ties, 0),
      sameModel: p.sameModel,
      headToHead: headToHead(pairs),
      leaderboard,
      positionBias: {
        overall: positionBias(p.overall),
        perReviewer: p.perReviewer.slice().sort((a, b) => byText(a.reviewer, b.reviewer)).map((r) => ({ reviewer: r.reviewer, bias: positionBias(r.counts) })),
      },
    };
  });

  return {
    projectId: input.projectId,
    groupBy: input.groupBy,
    interval: input.interval,
    segment: input.segment,
    from: input.from,
    to: input.to,
    minCount: input.minCount,
    figures,
    overall: groupRow("All", whole, figures, ratingKeys),
    groups,
    pairwise,
    timeline,
    segments,
    notes: input.notes,
  };
}
