import type { ComponentType } from "react";
import type { QuestionKind } from "~/modules/questions";
import type { Question } from "~/modules/templates/schemas";
import { ChoiceQuestion, FlagsQuestion, RatingQuestion, ThumbsQuestion } from "./choice-questions";
import { CorrectionQuestion } from "./correction-question";
import { PairwiseQuestion } from "./pairwise-question";
import { SpansQuestion } from "./spans-question";
import { TextQuestion } from "./text-question";
import type { WidgetProps } from "./widget-props";

/**
 * The review control of each kind of question. `grouped` kinds are several controls in a
 * fieldset with a legend; the others are one control with a label. A kind without a widget does
 * not compile.
 */
export const widgets: { [K in QuestionKind]: { Component: ComponentType<WidgetProps<Extract<Question, { kind: K }>>>; grouped: boolean } } = {
  rating: { Component: RatingQuestion, grouped: true },
  thumbs: { Component: ThumbsQuestion, grouped: true },
  choice: { Component: ChoiceQuestion, grouped: true },
  flags: { Component: FlagsQuestion, grouped: true },
  pairwise: { Component: PairwiseQuestion, grouped: true },
  spans: { Component: SpansQuestion, grouped: true },
  correction: { Component: CorrectionQuestion, grouped: false },
  text: { Component: TextQuestion, grouped: false },
};
