import type { Estimate, Metric } from "~/modules/stats/estimate";

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);

/**
 * A figure with its 95% interval as text ("0.700 (0.386–0.932)"), or, when it is undefined, the
 * reason in words: never NaN. `percent` shows shares as percentages.
 */
export function EstimateText({
  value,
  percent = false,
}: {
  value: Estimate | Metric;
  percent?: boolean;
}) {
  const show = percent ? pct : num;
  if (value.value === null)
    return (
      <span className="text-slate-500">{value.reason ?? "undefined"}</span>
    );
  const interval = "interval" in value ? value.interval : null;
  const why = "intervalReason" in value ? value.intervalReason : null;
  return (
    <span className="tabular-nums" title={value.basis ?? undefined}>
      {show(value.value)}
      {interval ? (
        <span className="text-slate-600">
          {" "}
          ({show(interval.low)}–{show(interval.high)})
        </span>
      ) : why ? (
        <span className="block text-xs text-slate-500">no interval: {why}</span>
      ) : null}
    </span>
  );
}
