/** A readable label for a flag or span label value ("pii_leak" → "PII leak"). */
export function labelFor(value: string): string {
  return flagLabels[value] ?? value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, " ");
}

const flagLabels: Record<string, string> = {
  hallucination: "Hallucination",
  toxicity: "Toxicity",
  bias: "Bias",
  pii_leak: "PII leak",
  prompt_injection: "Prompt injection",
  refusal: "Refusal",
};

/** A position on screen → its letter (0 → "A"), as outputs are named to reviewers and models ("A", "B"…) in `shown` order. */
export const letterOf = (position: number) => String.fromCharCode(65 + position);

/** "Response A", "Response B"… by screen position, never by model, so the model stays hidden. */
export const responseName = (position: number) => `Response ${letterOf(position)}`;
