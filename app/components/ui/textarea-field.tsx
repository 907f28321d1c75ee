import type { ReactNode, TextareaHTMLAttributes } from "react";
import { controlClass, FieldShell } from "./field-shell";

/** A labelled <textarea> with its error announced to screen readers. */
export function TextareaField({
  label,
  error,
  hint,
  ...textarea
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: ReactNode; error?: string; hint?: ReactNode }) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {(control) => <textarea rows={4} {...control} {...textarea} className={`${controlClass} px-3 py-2`} />}
    </FieldShell>
  );
}
