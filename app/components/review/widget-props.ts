import type { Question } from "~/modules/templates/schemas";

/** Props every question widget receives. Inputs are named by question key so a plain form post works. */
export type WidgetProps<Q extends Question = Question> = {
  question: Q;
  value: unknown;
  onChange: (value: unknown) => void;
  outputs: { text: string; model?: string }[];
  /** Left-to-right output indexes, for pairwise questions and span targets. */
  order: number[];
  disabled?: boolean;
  describedBy?: string;
};

export type Suggestion = { value: unknown; source: string; confidence: number | null; rationale: string | null };

/**
 * A suggestion as the reviewer stands with it: still as pre-filled and not yet looked at
 * (`pending`), taken (`accepted`), or answered otherwise (`different`, also when left empty).
 */
export type SuggestionState = "pending" | "accepted" | "different";
export type MarkedSuggestion = Suggestion & { state: SuggestionState };
