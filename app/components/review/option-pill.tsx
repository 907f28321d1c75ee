import type { ReactNode } from "react";

/**
 * A radio or checkbox drawn as a pill. The real input stays in the page (visually hidden) so arrow
 * keys, screen readers and a plain form post behave as with any native control.
 */
export function OptionPill({
  type,
  name,
  value,
  checked,
  onChange,
  disabled,
  shortcut,
  describedBy,
  children,
}: {
  type: "radio" | "checkbox";
  name: string;
  value: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  shortcut?: string;
  describedBy?: string;
  children: ReactNode;
}) {
  return (
    <label className="relative inline-flex cursor-pointer">
      <input
        type={type}
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.currentTarget.checked)}
        className="peer absolute inset-0 z-10 m-0 h-full w-full cursor-pointer appearance-none opacity-0 disabled:cursor-not-allowed"
      />
      <span className="inline-flex min-w-10 items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 peer-checked:bg-indigo-600 peer-checked:text-white peer-checked:ring-indigo-600 peer-focus-visible:outline peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600 peer-disabled:cursor-not-allowed peer-disabled:opacity-60">
        {children}
        {shortcut ? (
          <kbd aria-hidden="true" className="rounded border border-current px-1 font-mono text-[10px] leading-4 opacity-60">
            {shortcut}
          </kbd>
        ) : null}
      </span>
    </label>
  );
}
