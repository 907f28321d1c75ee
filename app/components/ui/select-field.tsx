import type { ReactNode, SelectHTMLAttributes } from "react";
import { controlClass, FieldShell } from "./field-shell";

/** A labelled <select> with its error announced to screen readers. */
export function SelectField({
  label,
  error,
  hint,
  options,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {(control) => (
        <select {...control} {...select} className={`${controlClass} bg-white py-2 pl-3 pr-8`}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
