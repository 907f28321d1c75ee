import type { z } from "zod";

/**
 * What every kind of question is made of. Each kind is one module in this folder (`rating.ts`,
 * `pairwise.ts`, …) that implements `KindModule`; `index.ts` gathers them in a record over
 * `QuestionKind`, so a new kind that misses a part, or a part that misses a kind, does not compile.
 * Browser-safe: the review screen, the template editor and the server all read the same module.
 */
export const questionKinds = ["rating", "thumbs", "choice", "pairwise", "correction", "spans", "text", "flags"] as const;
export type QuestionKind = (typeof questionKinds)[number];

/** The outputs an answer is checked against (span offsets, pairwise choices). */
export type AnswerContext = { outputs: { text: string }[] };

export type Span = { output: number; start: number; end: number; label: string; quote: string };
export type PairwiseAnswer = { winner: number | "tie"; strength?: "slightly" | "much"; shown: number[] };

/** One reviewer's answer to one question (missing answers are left out before this). */
export type Vote = { userId: string; value: unknown };

export type Consensus = {
  status: "resolved" | "unresolved";
  /** The consensus in the question kind's answer shape; null while unresolved. */
  value: unknown;
  method: "majority" | "mean" | "overlap" | "single";
  /** Share of the answers that agree with the value (0–1); null with one answer. */
  agreement: number | null;
  detail: Record<string, unknown>;
};

/** A posted form, read by field name (a reviewer's fields are named by question key; an adjudicator's is `value`). */
export type FormFields = {
  /** The field's text (line breaks as LF), or undefined when it is absent or empty. */
  text(name: string): string | undefined;
  /** Every non-empty value posted under the name (checkboxes). */
  list(name: string): string[];
};

export type FormContext = AnswerContext & {
  /**
   * A reviewer's correction box starts as a copy of the output: sent unchanged it is no answer.
   * An adjudicator's final correction may be the output itself ("nothing to correct").
   */
  unchangedCorrectionIsNoAnswer: boolean;
};

/** How a model is asked to answer: the output order it was shown (pairwise A/B, spans' outputs). */
export type ModelContext = AnswerContext & { shown: number[] };

export type JsonSchema = { [key: string]: unknown };

/**
 * How reviewers' agreement on a kind is measured (the Quality page): each answer as one category
 * compared as a number (ratings: within half a point of the consensus counts as agreeing), a
 * string, a pairwise winner or a normalised text; a multi-label answer as one yes/no category
 * per option; or not at all, with the reason shown in place of the figures.
 */
export type AgreementShape =
  | { measure: "category"; compare: "number" | "string" | "winner" | "text" }
  | { measure: "per-option"; options: string[] }
  | { measure: "none"; reason: string };

/**
 * How a judge's answers to a question are set against the people's consensus (judge
 * calibration, app/modules/calibration): as one label per item (κ, confusion matrix), as a set
 * of labels per item (each option a yes/no decision), as a score (MAE, Spearman's ρ), or not at
 * all, with the reason. Reads answers and consensus values alike; null when a value is not one.
 */
export type CalibrationMeasure =
  | { measure: "label"; labels: string[] | null; label(value: unknown): string | null; position?(value: unknown): { order: string; side: "left" | "right" | "tie" } | null }
  | { measure: "set"; labels: string[]; set(value: unknown): string[] | null }
  | { measure: "score"; score(value: unknown): number | null }
  | { measure: "none"; reason: string };

export type KindModule<Q extends { kind: QuestionKind; key: string }> = {
  kind: Q["kind"];
  /** What the kind is called in the template editor. */
  label: string;
  /** The question's definition as a template stores it (key, text, and the kind's own settings). */
  schema: z.ZodType<Q, unknown>;
  /** The kind's own settings for a new question in the editor. */
  defaults(): Record<string, unknown>;
  /** Null when `value` is an answer of this kind, else what was expected (shown next to the question). */
  check(q: Q, value: unknown, ctx: AnswerContext): string | null;
  /**
   * The answer posted in a form under `name` (and `name.shown`, `name.strength`…), or undefined
   * when the question was left unanswered. Shapes are not checked here: `check` does that, with
   * the same message for reviewers and adjudicators.
   */
  readForm(q: Q, name: string, fields: FormFields, ctx: FormContext): unknown;
  /** An answer or a consensus as plain words (never markup). */
  describeAnswer(q: Q, value: unknown): string;
  /** The consensus of the answers to one question of one item; null for kinds that have none. */
  consensus: ((q: Q, votes: Vote[]) => Consensus) | null;
  /** A checked answer in the shape a consensus of this kind has (what an adjudicated resolution holds). */
  asResolution(q: Q, answer: unknown): unknown;
  /** How agreement on this kind is measured; null for kinds the Quality page leaves out (free text). */
  agreement: ((q: Q) => AgreementShape) | null;
  /** The answer a number key picks (1–9), for kinds answered with digits; null otherwise. */
  digit(q: Q, digit: number): string | number | null;
  /**
   * The JSON schema a model's answer to this question must match (OpenAI strict structured
   * output: every property required, no others), and how that answer becomes one of this kind.
   */
  /** How a judge's answers to the question are measured against the consensus. */
  calibration(q: Q): CalibrationMeasure;
  modelAnswer: {
    schema(q: Q, ctx: ModelContext): JsonSchema;
    /** The model's JSON as an answer value (then checked with `check`); a string says why it cannot be. */
    read(q: Q, raw: unknown, ctx: ModelContext): { value: unknown } | { error: string };
  };
};

export const isEmptyAnswer = (value: unknown) =>
  value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
