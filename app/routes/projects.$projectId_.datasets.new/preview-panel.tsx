import { Link } from "@remix-run/react";
import { Section } from "~/components/page-header";
import type { PreviewRow, SnapshotEstimate } from "~/modules/datasets/preview.server";

type Preview = { estimate: SnapshotEstimate | null; rows: PreviewRow[]; next: number | null };

const tone = { row: "text-slate-900", skip: "text-slate-500 italic", invalid: "text-red-700" } as const;

/** The live count and one page of the rows the export would contain. */
export function PreviewPanel({ projectId, preview, search }: { projectId: string; preview: Preview; search: string }) {
  const { estimate, rows, next } = preview;
  const params = new URLSearchParams(search);
  params.delete("after");
  const nextUrl = next === null ? null : `/projects/${projectId}/datasets/new?${new URLSearchParams([...params, ["after", String(next)]])}`;
  return (
    <Section title="Preview" description={<Count estimate={estimate} />}>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">No items match this filter.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Rows the export will contain">
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1.5 pr-3 font-medium">Item</th>
                <th scope="col" className="py-1.5 pr-3 font-medium">Prompt</th>
                <th scope="col" className="py-1.5 font-medium">In the export</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.itemId} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-1.5 pr-3 font-normal tabular-nums">#{r.itemId}</th>
                  <td className="max-w-xs py-1.5 pr-3">
                    <p className="line-clamp-3 whitespace-pre-wrap break-words">{r.prompt}</p>
                  </td>
                  <td className="py-1.5">
                    {r.outcomes.map((o, i) => (
                      <pre key={i} className={`whitespace-pre-wrap break-all font-mono text-xs ${tone[o.kind]}`}>
                        {o.kind === "row" ? o.text : `${o.kind === "skip" ? "left out" : "breaks the rules"}: ${o.text}`}
                      </pre>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextUrl ? (
        <Link to={nextUrl} className="mt-3 inline-block text-sm font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700" preventScrollReset>
          Next page →
        </Link>
      ) : null}
      <p className="mt-3 text-xs text-slate-500">Splits are drawn when the snapshot is saved (seeded, per label); the preview lists matching items in id order.</p>
    </Section>
  );
}

function Count({ estimate }: { estimate: SnapshotEstimate | null }) {
  if (!estimate) return <span>Fix the filter to see what it selects.</span>;
  if (!estimate.exact) return <span role="status">About {estimate.estimate.toLocaleString("en")} items match (too many to count while you type; the snapshot counts exactly).</span>;
  const total = estimate.train + estimate.validation + estimate.test;
  return (
    <span role="status" aria-label="Live count">
      <strong className="font-semibold text-slate-900">{total.toLocaleString("en")} items</strong> in the snapshot: {estimate.train.toLocaleString("en")} train,{" "}
      {estimate.validation.toLocaleString("en")} validation, {estimate.test.toLocaleString("en")} test
      {estimate.dedupRemoved ? `; ${estimate.dedupRemoved} duplicates removed` : ""}
      {estimate.capRemoved ? `; ${estimate.capRemoved} over the class cap` : ""} ({estimate.matched.toLocaleString("en")} match the filter).
    </span>
  );
}
