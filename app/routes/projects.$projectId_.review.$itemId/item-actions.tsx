import { useNavigation } from "@remix-run/react";
import type { RefObject } from "react";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";

/** Skip with an optional reason; a disclosure so it works without JavaScript too. S opens it. */
export function SkipPanel({ open, onToggle, reasonRef }: { open: boolean; onToggle: (open: boolean) => void; reasonRef: RefObject<HTMLInputElement> }) {
  const busy = useNavigation().state === "submitting";
  return (
    <details open={open} onToggle={(event) => onToggle(event.currentTarget.open)} className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
      <summary className="cursor-pointer font-medium text-slate-700">
        Skip this item <kbd className="ml-1 font-mono text-xs text-slate-500">S</kbd>
      </summary>
      <PostForm className="mt-3 flex flex-wrap items-end gap-2">
        <label className="flex min-w-0 flex-1 flex-col text-xs text-slate-600">
          Reason (optional)
          <input ref={reasonRef} name="_reason" maxLength={1000} className="mt-1 rounded-md border-0 px-2 py-1.5 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600" />
        </label>
        <Button name="_intent" value="skip" variant="secondary" disabled={busy}>
          Skip item
        </Button>
      </PostForm>
    </details>
  );
}

/** Claims the next item (for an item already answered, skipped or only looked at). */
export function NextForm() {
  const busy = useNavigation().state === "submitting";
  return (
    <PostForm>
      <Button name="_intent" value="next" variant="secondary" disabled={busy}>
        Next item
      </Button>
    </PostForm>
  );
}
