import type { ReactNode } from "react";
import { Button } from "./ui/button";
import { PostForm } from "./ui/form";

/**
 * A destructive action in two steps that needs no JavaScript: the first control only opens a
 * <details>; the form with the real button sits inside it.
 */
export function ConfirmAction({
  label,
  subject,
  confirmLabel,
  intent,
  fields,
  children,
}: {
  /** The first step, e.g. "Remove". */
  label: string;
  /** What it acts on, read out after the label to screen readers, e.g. the member's name. */
  subject: string;
  /** The second-step button, e.g. "Yes, remove Ada". */
  confirmLabel: string;
  intent: string;
  fields: Record<string, string>;
  children: ReactNode;
}) {
  return (
    <details className="relative">
      <summary className="inline-flex cursor-pointer list-none items-center rounded-md px-3 py-2 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 [&::-webkit-details-marker]:hidden">
        {label}
        <span className="sr-only"> {subject}</span>
      </summary>
      <div className="mt-2 w-72 max-w-[calc(100vw-3rem)] rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900 sm:absolute sm:right-0 sm:z-10 sm:shadow-lg">
        {children}
        <PostForm className="mt-3">
          <input type="hidden" name="intent" value={intent} />
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <Button variant="danger">{confirmLabel}</Button>
        </PostForm>
      </div>
    </details>
  );
}
