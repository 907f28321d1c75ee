import { labelFor } from "~/modules/questions/labels";
import type { Question } from "~/modules/templates/schemas";
import { OptionPill } from "./option-pill";
import type { WidgetProps } from "./widget-props";

type Of<K extends Question["kind"]> = Extract<Question, { kind: K }>;

/** The value after picking `option` with a key: radios replace, checkboxes toggle. */
export function pickOption(question: Question, current: unknown, option: string | number): unknown {
  const multiple = question.kind === "flags" || (question.kind === "choice" && question.multiple);
  if (!multiple) return option;
  const list = Array.isArray(current) ? (current as unknown[]) : [];
  return list.includes(option) ? list.filter((v) => v !== option) : [...list, option];
}

export function RatingQuestion({ question, value, onChange, disabled, describedBy }: WidgetProps<Of<"rating">>) {
  const scores = Array.from({ length: question.max - question.min + 1 }, (_, i) => question.min + i);
  return (
    <div className="flex flex-wrap items-center gap-2">
      {question.minLabel ? <span className="text-xs text-slate-500">{question.minLabel}</span> : null}
      <div className="flex flex-wrap gap-1.5">
        {scores.map((score) => (
          <OptionPill
            key={score}
            type="radio"
            name={question.key}
            value={String(score)}
            checked={value === score}
            onChange={() => onChange(score)}
            disabled={disabled}
            describedBy={describedBy}
          >
            {score}
            {score === question.min && question.minLabel ? <span className="sr-only"> ({question.minLabel})</span> : null}
            {score === question.max && question.maxLabel ? <span className="sr-only"> ({question.maxLabel})</span> : null}
          </OptionPill>
        ))}
      </div>
      {question.maxLabel ? <span className="text-xs text-slate-500">{question.maxLabel}</span> : null}
    </div>
  );
}

export function ThumbsQuestion({ question, value, onChange, disabled, describedBy }: WidgetProps<Of<"thumbs">>) {
  return (
    <div className="flex gap-2">
      {(["up", "down"] as const).map((option, i) => (
        <OptionPill
          key={option}
          type="radio"
          name={question.key}
          value={option}
          checked={value === option}
          onChange={() => onChange(option)}
          disabled={disabled}
          shortcut={String(i + 1)}
          describedBy={describedBy}
        >
          <span aria-hidden="true">{option === "up" ? "👍" : "👎"}</span>
          {option === "up" ? "Thumbs up" : "Thumbs down"}
        </OptionPill>
      ))}
    </div>
  );
}

export function ChoiceQuestion({ question, value, onChange, disabled, describedBy }: WidgetProps<Of<"choice">>) {
  const chosen = question.multiple ? (Array.isArray(value) ? (value as string[]) : []) : [];
  return (
    <div className="flex flex-wrap gap-2">
      {question.options.map((option, i) => (
        <OptionPill
          key={option.value}
          type={question.multiple ? "checkbox" : "radio"}
          name={question.key}
          value={option.value}
          checked={question.multiple ? chosen.includes(option.value) : value === option.value}
          onChange={() => onChange(pickOption(question, value, option.value))}
          disabled={disabled}
          shortcut={i < 9 ? String(i + 1) : undefined}
          describedBy={describedBy}
        >
          {option.label ?? option.value}
        </OptionPill>
      ))}
    </div>
  );
}

export function FlagsQuestion({ question, value, onChange, disabled, describedBy }: WidgetProps<Of<"flags">>) {
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  return (
    <div className="flex flex-wrap gap-2">
      {question.options.map((option, i) => (
        <OptionPill
          key={option}
          type="checkbox"
          name={question.key}
          value={option}
          checked={chosen.includes(option)}
          onChange={() => onChange(pickOption(question, value, option))}
          disabled={disabled}
          shortcut={i < 9 ? String(i + 1) : undefined}
          describedBy={describedBy}
        >
          {labelFor(option)}
        </OptionPill>
      ))}
    </div>
  );
}
