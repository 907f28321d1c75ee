import type { PairwiseAnswer } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";
import { responseName } from "~/modules/questions/labels";
import { OptionPill } from "./option-pill";
import type { WidgetProps } from "./widget-props";


/** The pairwise answer for a pick of side (0 = left, 1 = right) or a tie: stored as an output index. */
export function pairwisePick(order: number[], current: unknown, pick: 0 | 1 | "tie"): PairwiseAnswer {
  const previous = (current ?? {}) as Partial<PairwiseAnswer>;
  const answer: PairwiseAnswer = { winner: pick === "tie" ? "tie" : order[pick]!, shown: order.slice(0, 2) };
  if (previous.strength && pick !== "tie") answer.strength = previous.strength;
  return answer;
}

export function PairwiseQuestion({
  question,
  value,
  onChange,
  order,
  outputs,
  disabled,
  describedBy,
}: WidgetProps<Extract<Question, { kind: "pairwise" }>>) {
  if (outputs.length < 2) return <p className="text-sm text-slate-500">This item has one output, so there is nothing to compare.</p>;
  const answer = (value ?? null) as PairwiseAnswer | null;
  const shown = order.slice(0, 2);
  const sides = [
    { pick: 0 as const, key: "A" },
    { pick: 1 as const, key: "B" },
  ];
  return (
    <div className="space-y-3">
      {/* why: the server stores the output index, and needs the order the reviewer saw to keep position bias measurable. */}
      <input type="hidden" name={`${question.key}.shown`} value={shown.join(",")} />
      <div className="flex flex-wrap gap-2">
        {sides.map(({ pick, key }) => (
          <OptionPill
            key={key}
            type="radio"
            name={question.key}
            value={String(shown[pick])}
            checked={answer?.winner === shown[pick]}
            onChange={() => onChange(pairwisePick(order, value, pick))}
            disabled={disabled}
            shortcut={key}
            describedBy={describedBy}
          >
            {responseName(pick)} is better
          </OptionPill>
        ))}
        {question.allowTie ? (
          <OptionPill
            type="radio"
            name={question.key}
            value="tie"
            checked={answer?.winner === "tie"}
            onChange={() => onChange(pairwisePick(order, value, "tie"))}
            disabled={disabled}
            shortcut="T"
            describedBy={describedBy}
          >
            Tie
          </OptionPill>
        ) : null}
      </div>
      {question.strength ? (
        <div role="radiogroup" aria-label="By how much?" className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-slate-500" aria-hidden="true">
            By how much?
          </span>
          {(["slightly", "much"] as const).map((strength) => (
            <OptionPill
              key={strength}
              type="radio"
              name={`${question.key}.strength`}
              value={strength}
              checked={answer?.strength === strength}
              onChange={() => answer && onChange({ ...answer, strength })}
              disabled={disabled || answer?.winner === "tie"}
            >
              {strength === "slightly" ? "Slightly better" : "Much better"}
            </OptionPill>
          ))}
        </div>
      ) : null}
    </div>
  );
}
