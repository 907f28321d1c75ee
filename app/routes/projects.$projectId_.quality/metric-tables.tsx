import type { Metric } from "~/modules/quality/agreement";
import type { QuestionMetrics, ReviewerAgreement } from "~/modules/quality/report";

const labels: [keyof QuestionMetrics, string][] = [
  ["percentAgreement", "Percent agreement"],
  ["cohensKappa", "Cohen's κ"],
  ["fleissKappa", "Fleiss' κ"],
  ["alphaNominal", "Krippendorff's α (nominal)"],
  ["alphaOrdinal", "Krippendorff's α (ordinal)"],
  ["alphaInterval", "Krippendorff's α (interval)"],
];

const shown = (m: Metric, percent: boolean) => (m.value === null ? "—" : percent ? `${(m.value * 100).toFixed(1)}%` : m.value.toFixed(3));

/** One row per metric: its value (or —), and what it was computed over or why it is undefined. */
export function MetricsTable({ caption, metrics }: { caption: string; metrics: QuestionMetrics }) {
  return (
    <div className="mb-4 overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="mb-1 text-left font-medium text-slate-800">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-1 pr-4 font-medium">Metric</th>
            <th scope="col" className="py-1 pr-4 font-medium">Value</th>
            <th scope="col" className="py-1 font-medium">Computed over / why undefined</th>
          </tr>
        </thead>
        <tbody>
          {labels.map(([key, label]) => {
            const m = metrics[key];
            return (
              <tr key={key} className="border-b border-slate-100">
                <th scope="row" className="py-1 pr-4 text-left font-normal">{label}</th>
                <td className="py-1 pr-4 tabular-nums">{shown(m, key === "percentAgreement")}</td>
                <td className="py-1 text-slate-600">{m.reason ?? m.basis ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ReviewerTable({ rows }: { rows: ReviewerAgreement[] }) {
  if (!rows.length) return <p className="text-sm text-slate-600">No reviewer has answered an item with a consensus of two or more answers yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="mb-1 text-left font-medium text-slate-800">Agreement with the consensus, per reviewer</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-1 pr-4 font-medium">Reviewer</th>
            <th scope="col" className="py-1 pr-4 font-medium">Items</th>
            <th scope="col" className="py-1 pr-4 font-medium">Agreed</th>
            <th scope="col" className="py-1 font-medium">Agreement</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.reviewer} className="border-b border-slate-100">
              <th scope="row" className="py-1 pr-4 text-left font-normal">{r.reviewer}</th>
              <td className="py-1 pr-4 tabular-nums">{r.items}</td>
              <td className="py-1 pr-4 tabular-nums">{r.agreed}</td>
              <td className="py-1 tabular-nums">{r.agreement === null ? "—" : `${(r.agreement * 100).toFixed(1)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
