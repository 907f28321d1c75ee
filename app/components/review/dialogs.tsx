import { useEffect, useRef, type ReactNode } from "react";
import { Markdown } from "~/components/markdown";

/**
 * A native modal <dialog>: it traps focus, closes on Esc and returns focus to where it was.
 * `side` makes it a drawer along the right edge.
 */
export function Dialog({ open, onClose, title, side = false, children }: { open: boolean; onClose: () => void; title: string; side?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const id = `dialog-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      aria-labelledby={id}
      onClose={onClose}
      className={`rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40 ${side ? "ml-auto mr-0 h-full max-h-full w-full max-w-xl rounded-r-none" : "w-full max-w-lg"}`}
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        <button type="button" onClick={onClose} className="rounded px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600">
          Close<span className="sr-only"> {title}</span>
        </button>
      </div>
      <div className="overflow-auto px-5 py-4">{children}</div>
    </dialog>
  );
}

export function GuidelinesDrawer({ open, onClose, guidelines }: { open: boolean; onClose: () => void; guidelines: string }) {
  return (
    <Dialog open={open} onClose={onClose} title="Guidelines" side>
      {guidelines ? <Markdown text={guidelines} /> : <p className="text-sm text-slate-600">This project has no guidelines yet.</p>}
    </Dialog>
  );
}

const shortcuts: [string, string][] = [
  ["1 – 9", "Answer the focused rating or choice question"],
  ["A / B", "Pairwise: Response A / Response B is better"],
  ["T", "Pairwise: tie"],
  ["L / M", "Pairwise: the chosen response is slightly / much better"],
  ["J / K", "Next / previous question (digits then answer it)"],
  ["E", "Edit the correction"],
  ["S", "Skip this item"],
  ["G", "Open the guidelines"],
  ["Y", "Accept every suggestion you have not answered otherwise"],
  ["Ctrl / ⌘ + Enter", "Submit (works while typing too)"],
  ["Tab / Shift + Tab", "Move between questions; arrow keys move within one"],
  ["?", "Show these shortcuts"],
  ["Esc", "Close a dialog"],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts">
      <p className="mb-3 text-sm text-slate-600">Letter and number keys do nothing while you are typing in a text box.</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {shortcuts.map(([keys, what]) => (
          <div key={keys} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs">{keys}</kbd>
            </dt>
            <dd className="text-slate-700">{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
