import { Form } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { inputClass } from "~/components/ui/field-shell";
import type { BrowseParams } from "~/modules/items/browse-params";
import { columnLabels, itemColumns, itemStates, PAGE_SIZES } from "~/modules/items/schemas";

const field = `mt-1 px-2 py-1.5 ${inputClass}`;

/**
 * The browse as a GET form, so the URL holds it (shareable, works without JavaScript): search,
 * status, the dataset filter's fields (named as the dataset builder names them), sort, page size
 * and the columns shown.
 */
export function FilterForm({ browse, metaKeys }: { browse: BrowseParams; metaKeys: string[] }) {
  const { query, filter } = browse;
  const meta = filter.metadata?.[0];
  const shown = new Set<string>([...browse.columns, ...browse.metaKeys.map((k) => `meta:${k}`)]);
  return (
    <Form method="get" className="mb-4 space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-end gap-4">
        <label className="text-sm">
          <span className="block font-medium">Search input and outputs</span>
          <input type="search" name="q" defaultValue={query.q ?? ""} className={`${field} w-64`} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Status</span>
          <select name="state" defaultValue={query.state ?? ""} className={field}>
            <option value="">Any status</option>
            {itemStates.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">Consensus</span>
          <select name="status" defaultValue={filter.status ?? "any"} className={field}>
            <option value="any">Any</option>
            <option value="resolved">Resolved</option>
            <option value="unresolved">Unresolved</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">Models (comma-separated)</span>
          <input name="models" defaultValue={(filter.models ?? []).join(", ")} className={`${field} w-48`} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Agreement at least (0–1)</span>
          <input name="minAgreement" type="number" min={0} max={1} step={0.05} defaultValue={filter.agreement?.min ?? ""} className={`${field} w-24`} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Created from</span>
          <input name="createdFrom" type="date" defaultValue={filter.createdFrom ?? ""} className={field} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Created to</span>
          <input name="createdTo" type="date" defaultValue={filter.createdTo ?? ""} className={field} />
        </label>
      </div>
      <div className="flex flex-wrap items-end gap-4">
        <label className="text-sm">
          <span className="block font-medium">Metadata field</span>
          <input name="metaKey" list="meta-keys" defaultValue={meta?.key ?? ""} className={`${field} w-36`} />
        </label>
        <datalist id="meta-keys">
          {metaKeys.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <label className="text-sm">
          <span className="block font-medium">Condition</span>
          <select name="metaOp" defaultValue={meta?.op ?? "eq"} className={field}>
            {(["eq", "neq", "exists", "missing", "gte", "lte"] as const).map((op) => (
              <option key={op} value={op}>
                {{ eq: "is", neq: "is not", exists: "exists", missing: "is missing", gte: "≥", lte: "≤" }[op]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">Value</span>
          <input name="metaValue" defaultValue={meta?.value === undefined ? "" : String(meta.value)} className={`${field} w-32`} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Sort by</span>
          <select name="sort" defaultValue={query.sort ?? "id"} className={field}>
            <option value="id">Created (item id)</option>
            <option value="priority">Priority</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">Order</span>
          <select name="dir" defaultValue={query.dir ?? "asc"} className={field}>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">Page size</span>
          <select name="limit" defaultValue={String(browse.limit)} className={field}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="text-sm">
        <legend className="font-medium">Columns</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {[...itemColumns.map((c) => [c, columnLabels[c]] as const), ...metaKeys.map((k) => [`meta:${k}`, `metadata: ${k}`] as const)].map(([value, label]) => (
            <label key={value} className="inline-flex items-center gap-1.5">
              <input type="checkbox" name="cols" value={value} defaultChecked={shown.has(value)} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <Button type="submit" variant="secondary">
        Apply
      </Button>
    </Form>
  );
}
