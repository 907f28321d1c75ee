import type { ProviderModel } from "~db/schema";

/** Token counts as a completion's `usage` reports them (OpenAI's names). */
export type Usage = { prompt_tokens?: number | null; completion_tokens?: number | null };

/**
 * The estimated cost in US dollars of a call from the model's prices per million tokens and the
 * call's usage; null when a price the usage needs is unknown or the usage is missing. An estimate:
 * providers round, discount cached tokens and bill reasoning tokens in their own ways.
 */
export function estimateCostUsd(model: Pick<ProviderModel, "inputPricePerMillion" | "outputPricePerMillion">, usage: Usage | null | undefined): number | null {
  if (!usage) return null;
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  if ((input > 0 && model.inputPricePerMillion == null) || (output > 0 && model.outputPricePerMillion == null)) return null;
  return (input * (model.inputPricePerMillion ?? 0) + output * (model.outputPricePerMillion ?? 0)) / 1_000_000;
}

/** A cost for people: `$0.0042`, `$12.50`, or `—` when unknown. */
export function formatUsd(value: number | null): string {
  if (value === null) return "—";
  // why: two significant digits below a cent, so a fraction of a cent does not read as $0.00.
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toFixed(Math.min(10, 1 - Math.floor(Math.log10(Math.abs(value)))))}`;
  return `$${value.toFixed(2)}`;
}
