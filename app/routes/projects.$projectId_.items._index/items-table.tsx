import { Link } from "@remix-run/react";
import { useCallback, useRef, useState, type MouseEvent } from "react";
import { DateTime } from "~/components/date-time";
import { EmptyState } from "~/components/empty-state";
import type { BrowseParams } from "~/modules/items/browse-params";
import type { ItemRow } from "~/modules/items/browse-items.server";
import { columnLabels, type ItemColumn } from "~/modules/items/schemas";

// why the server type with status widened: rows arrive through the loader (serialized), where a plain string is what the table reads.
type Row = Omit<ItemRow, "status"> & { status: string };

export type Selection = ReturnType<typeof useSelection>;

/** Checked rows of the page: a click toggles one, shift-click the range from the last one clicked. */
export function useSelection(pageIds: number[]) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const anchor = useRef<number | null>(null);
  const clear = useCallback(() => setSelected(new Set()), []);
  const onPage = pageIds.filter((id) => selected.has(id));
  return {
    selected: new Set(onPage),
    allOnPage: pageIds.length > 0 && onPage.length === pageIds.length,
    toggle(id: number, event: MouseEvent<HTMLInputElement>) {
      const checked = event.currentTarget.checked;
      const from = anchor.current === null ? -1 : pageIds.indexOf(anchor.current);
      const to = pageIds.indexOf(id);
      const range = event.shiftKey && from >= 0 ? pageIds.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
      setSelected((current) => {
        const next = new Set(current);
        for (const r of range) {
          if (checked) next.add(r);
          else next.delete(r);
        }
        return next;
      });
      anchor.current = id;
    },
    clear,
    togglePage(checked: boolean) {
      setSelected(checked ? new Set(pageIds) : new Set());
    },
  };
}

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);

function cell(column: ItemColumn, row: Row, overlap: number) {
  switch (column) {
    case "externalId":
      return row.externalId ?? "—";
    case "input":
      return row.preview;
    case "models":
      return row.models.join(", ") || "—";
    case "status":
      return row.status;
    case "answers":
      return `${row.submittedCount} / ${overlap}`;
    case "resolved":
      return row.resolvedAt ? <DateTime value={row.resolvedAt} /> : "no";
    case "agreement":
      return pct(row.agreement);
    case "priority":
      return row.priority;
    case "created":
      return <DateTime value={row.createdAt} withTime />;
  }
}

export function ItemsTable({
  projectId,
  rows,
  browse,
  overlap,
  selection,
  selectable,
  search,
}: {
  projectId: string;
  rows: Row[];
  browse: BrowseParams;
  overlap: number;
  selection: Selection;
  selectable: boolean;
  search: string;
}) {
  if (!rows.length) return <EmptyState title="No items">No item matches this search and filter.</EmptyState>;
  const show = (value: unknown) => (value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            {selectable ? (
              <th scope="col" className="px-3 py-2">
                <input type="checkbox" aria-label="Select all on this page" checked={selection.allOnPage} onChange={(e) => selection.togglePage(e.currentTarget.checked)} />
              </th>
            ) : null}
            <th scope="col" className="px-3 py-2 font-medium">
              Item
            </th>
            {browse.columns.map((c) => (
              <th key={c} scope="col" className="px-3 py-2 font-medium">
                {columnLabels[c]}
              </th>
            ))}
            {browse.metaKeys.map((k) => (
              <th key={k} scope="col" className="px-3 py-2 font-medium">
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-b border-slate-100 align-top">
              {selectable ? (
                <td className="px-3 py-2">
                  <input
                    type="checkbox"
                    form="bulk"
                    name="ids"
                    value={row.id}
                    aria-label={`Select item ${row.id}`}
                    checked={selection.selected.has(row.id)}
                    onClick={(e) => selection.toggle(row.id, e)}
                    onChange={() => {}}
                  />
                </td>
              ) : null}
              <th scope="row" className="px-3 py-2 text-left font-medium">
                <Link to={`/projects/${projectId}/items/${row.id}${search}`} className="text-indigo-700 hover:underline">
                  Item {row.id}
                </Link>
                {row.hasGold ? <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900">gold</span> : null}
              </th>
              {browse.columns.map((c) => (
                <td key={c} className={`px-3 py-2 ${c === "input" ? "max-w-md break-words" : "whitespace-nowrap"}`}>
                  {cell(c, row, overlap)}
                </td>
              ))}
              {browse.metaKeys.map((k) => (
                <td key={k} className="max-w-xs break-words px-3 py-2">
                  {show(row.metadata?.[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
