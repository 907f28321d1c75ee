import { choice } from "./choice";
import { correction } from "./correction";
import { flags } from "./flags";
import { pairwise } from "./pairwise";
import { rating } from "./rating";
import { spans } from "./spans";
import { text } from "./text";
import { thumbs } from "./thumbs";
import type { KindModule, QuestionKind } from "./types";

/**
 * Every kind of question, one module each. The type makes the record complete: a kind without a
 * module, or a module without one of KindModule's parts, does not compile.
 */
export const questionKindModules = { rating, thumbs, choice, pairwise, correction, spans, text, flags } satisfies {
  [K in QuestionKind]: KindModule<Extract<Question, { kind: K }>>;
};

export type Question =
  | import("./rating").RatingQuestion
  | import("./thumbs").ThumbsQuestion
  | import("./choice").ChoiceQuestion
  | import("./pairwise").PairwiseQuestion
  | import("./correction").CorrectionQuestion
  | import("./spans").SpansQuestion
  | import("./text").TextQuestion
  | import("./flags").FlagsQuestion;

/** The module of a question's kind, typed for that question. */
export function kindOf<Q extends Question>(q: Q): KindModule<Q> {
  return questionKindModules[q.kind] as unknown as KindModule<Q>;
}

export { questionKinds, type QuestionKind } from "./types";
