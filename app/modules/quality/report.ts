import type { QuestionKind } from "~/modules/templates/schemas";
import type { Metric, UnitMetrics } from "./agreement";

/** The shape of the quality report (page and API); browser-safe. */
export type QuestionMetrics = UnitMetrics & { cohensKappa: Metric };
export type ReviewerAgreement = { reviewer: string; items: number; agreed: number; agreement: number | null };
export type QuestionQuality = {
  key: string;
  kind: QuestionKind;
  text: string;
  items: number;
  annotations: number;
  reviewers: number;
  resolved: number;
  unresolved: number;
  adjudicated: number;
  /** Mean of the per-item consensus agreement (share agreeing with the consensus). */
  consensusAgreement: number | null;
  metrics: QuestionMetrics;
  /** Multi-choice and flags: each option as a yes/no question. */
  options: { option: string; metrics: QuestionMetrics }[] | null;
  perReviewer: ReviewerAgreement[] | null;
  perReviewerReason: string | null;
};
export type QualityReport = { projectId: string; questions: QuestionQuality[] };
