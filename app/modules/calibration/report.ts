/**
 * The shape of a judge calibration report (Quality page and API); browser-safe. Every figure is
 * an Estimate (stats/estimate.ts): `value: null` with a `reason` when it is undefined.
 */
import type { QuestionKind } from "~/modules/questions";
import type { ConfusionMatrix } from "~/modules/stats/classification";
import type { Estimate } from "~/modules/stats/estimate";

/** One judge: a model asked by one prompt version (null for a judge whose prompt version was deleted). */
export type JudgeKey = { model: string; promptVersionId: string | null };
export type JudgeLabel = JudgeKey & { prompt: string | null; source: string };

/** Which figure the verdict compares: Cohen's κ (higher is better) or mean absolute error (lower is better). */
export type VerdictFigure = "kappa" | "mae";

export type VerdictCode = "too-few" | "undefined" | "comparable" | "better" | "worse-than-average" | "worse-than-any";
export type Verdict = { code: VerdictCode; text: string; detail: string };

export type Figures = {
  /** Items with both answers compared. */
  items: number;
  /** Share of items where the answer equals the reference (ratings: within half a point), Wilson interval. */
  agreement: Estimate;
  /** Cohen's κ with its 95% interval; null where the kind is measured by score. */
  kappa: Estimate | null;
  /** Ratings: mean absolute error and Spearman's ρ; null for other kinds. */
  mae: Estimate | null;
  spearman: Estimate | null;
};

/** Pairwise only: the judge asked twice with the outputs swapped, and its left-hand choices. */
export type PositionCheck = {
  /** Items judged in both orders (newest answer per order). */
  swappedItems: number;
  /** Share of those items where the winner changed with the order. */
  flips: Estimate;
  /** Share of sided answers that chose the left-hand output; `favours` names a side only when the interval excludes ½. */
  left: Estimate & { favours: "left" | "right" | null };
};

export type JudgeCalibration = JudgeLabel &
  Figures & {
    /** Reference (consensus) in rows, judge in columns; single-label kinds. */
    confusion: ConfusionMatrix | null;
    /** Multi-label kinds: each option as chosen / not chosen (rows: consensus). */
    optionConfusion: { option: string; matrix: ConfusionMatrix }[] | null;
    position: PositionCheck | null;
    verdict: Verdict;
  };

/** A reviewer set against the consensus of the other reviewers (without them). */
export type ReviewerCalibration = Figures & { reviewer: string };

export type QuestionCalibration = {
  key: string;
  kind: QuestionKind;
  text: string;
  /** Null when the kind is not measured; `reason` then says why. */
  figure: VerdictFigure | null;
  reason: string | null;
  /** Resolved items of this question (items with a consensus)… */
  resolvedItems: number;
  /** …and those of them a judge answered: the items judges and reviewers are measured on. */
  judgedItems: number;
  judges: JudgeCalibration[];
  reviewers: ReviewerCalibration[];
  /** The fewest items a judge, and each reviewer counted in the verdict, must have. */
  minItems: number;
};

export type CalibrationReport = { projectId: string; questions: QuestionCalibration[] };
