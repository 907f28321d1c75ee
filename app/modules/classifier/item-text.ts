import { inputAsText, type StoredInput } from "~/modules/items/schemas";

/**
 * The text a classifier reads of an item: its input (a chat as "role: content" lines) and then
 * its outputs, so a question about the model's answer ("is this reply a refusal?") sees the
 * answer. The same function for training and prediction, so both see items alike.
 */
export function itemText(input: StoredInput, outputs: readonly unknown[]): string {
  const parts = [inputAsText(input)];
  for (const output of outputs) {
    const text = output && typeof output === "object" ? (output as { text?: unknown }).text : undefined;
    if (typeof text === "string" && text) parts.push(text);
  }
  return parts.join("\n\n");
}
