const known: [string[], string][] = [
  [["model"], "Model"],
  [["prompt_version", "promptVersion"], "Prompt version"],
  [["latency_ms", "latencyMs", "latency"], "Latency"],
  [["tokens", "total_tokens", "totalTokens"], "Tokens"],
  [["cost", "cost_usd", "costUsd"], "Cost"],
];

function show(key: string, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && /latency/i.test(key)) return /ms/i.test(key) || value > 100 ? `${value} ms` : `${value} s`;
  if (typeof value === "number" && /cost/i.test(key)) return `$${value.toFixed(value < 0.01 ? 5 : 4)}`;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * Item details beside the review: model, prompt version, latency, tokens and cost first, then
 * anything else the item carried. `model` is passed only when there is a single output (blind pairwise).
 */
export function MetadataPanel({ metadata, model, externalId, itemId }: { metadata: Record<string, unknown>; model?: string; externalId?: string | null; itemId: number }) {
  const rows: [string, string][] = [["Item", `#${itemId}${externalId ? ` (${externalId})` : ""}`]];
  if (model) rows.push(["Model", model]);
  const used = new Set<string>();
  for (const [keys, label] of known) {
    const key = keys.find((k) => k in metadata);
    if (!key || (label === "Model" && model)) continue;
    used.add(key);
    rows.push([label, show(key, metadata[key])]);
  }
  for (const [key, value] of Object.entries(metadata)) if (!used.has(key)) rows.push([key, show(key, value)]);
  return (
    <aside aria-labelledby="details-title" className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
      <h2 id="details-title" className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
        Details
      </h2>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
