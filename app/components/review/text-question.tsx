import type { Question } from "~/modules/templates/schemas";
import type { WidgetProps } from "./widget-props";

export function TextQuestion({ question, value, onChange, disabled, describedBy }: WidgetProps<Extract<Question, { kind: "text" }>>) {
  return (
    <textarea
      id={`q-${question.key}-input`}
      name={question.key}
      rows={3}
      maxLength={question.maxLength}
      placeholder={question.placeholder}
      value={typeof value === "string" ? value : ""}
      onChange={(event) => onChange(event.currentTarget.value === "" ? undefined : event.currentTarget.value)}
      disabled={disabled}
      aria-describedby={describedBy}
      className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
    />
  );
}
