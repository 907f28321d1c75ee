const KEYS: [string, string][] = [
  ["j / ↓", "next comment"],
  ["k / ↑", "previous comment"],
  ["Enter", "open the selected comment"],
  ["/", "search"],
  ["1–9", "toggle the first nine themes on the open comment"],
  ["e", "write a memo"],
  ["Ctrl+Enter", "save the memo"],
  ["x", "mark coded and open the next comment"],
  ["q", "add the open comment (or the selected passage) to the current quote set"],
  ["?", "show or hide these keys"],
];

/** The inbox's keyboard shortcuts, as a dialog-like panel. */
export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <div role="dialog" aria-modal="false" aria-labelledby="keys-title" className="fixed right-4 top-20 z-20 w-80 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-xl">
      <div className="mb-2 flex items-center justify-between">
        <h2 id="keys-title" className="font-semibold text-slate-800">
          Keyboard
        </h2>
        <button type="button" onClick={onClose} className="rounded px-2 text-slate-600 hover:bg-slate-100">
          Close
        </button>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        {KEYS.map(([key, what]) => (
          <div key={key} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1 font-mono text-xs">{key}</kbd>
            </dt>
            <dd className="text-slate-700">{what}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
