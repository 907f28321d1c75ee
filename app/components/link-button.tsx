import { Link, type LinkProps } from "@remix-run/react";

/** A link styled as the primary button, for actions that lead to another page. */
export function LinkButton({ className = "", ...props }: LinkProps) {
  return (
    <Link
      {...props}
      className={`inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-700 ${className}`}
    />
  );
}
