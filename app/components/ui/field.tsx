import type { InputHTMLAttributes, ReactNode } from "react";
import { controlClass, FieldShell } from "./field-shell";

/** A labelled input with its error announced to screen readers. */
export function Field({
  label,
  error,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; error?: string; hint?: ReactNode }) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {(control) => <input {...control} {...input} className={`${controlClass} px-3 py-2`} />}
    </FieldShell>
  );
}
