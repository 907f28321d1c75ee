import type { ChatMessage } from "~/modules/items/schemas";
import type { ExportFormat } from "../schemas";
import { classifierText, joinLabels, labelOf, promptMessages, type FrozenRow, type Roles } from "./frozen";

/**
 * What one frozen item becomes in each item format, with the format's rules checked first:
 * a record to write, an item the format does not apply to (`skip`, counted by reason in the
 * card), or an item that breaks the format's rules (`invalid`, counted and listed by item id).
 * Pure: the snapshot runs it to count outcomes before any export, the export runs it again to
 * write, and both see the same answer.
 */
export type Outcome<R = unknown> = { kind: "row"; record: R } | { kind: "skip"; reason: string } | { kind: "invalid"; reason: string };
export type ItemFormat = Exclude<ExportFormat, "annotations-jsonl">;

export type ChatRecord = { messages: ChatMessage[] };
export type PairRecord = { prompt: ChatMessage[]; promptText: string | null; chosen: string; rejected: string };
export type ClassRecord = { text: string; label: string; split: string };

const skip = (reason: string): Outcome<never> => ({ kind: "skip", reason });
const invalid = (reason: string): Outcome<never> => ({ kind: "invalid", reason });
const SFT_ROLES = new Set(["system", "user", "assistant"]);

export function outcomesFor(format: ItemFormat, row: FrozenRow, roles: Roles): Outcome[] {
  switch (format) {
    case "openai-chat":
      return [chatOutcome(row, roles)];
    case "openai-preference":
    case "dpo":
      return pairOutcomes(row, roles);
    case "classification-csv":
    case "classification-jsonl":
    case "parquet":
      return [classOutcome(row, roles)];
  }
}

/** The SFT target: the consensus (or adjudicated) correction, else the approved first output. */
function sftTarget(row: FrozenRow, roles: Roles): string | null {
  const correction = roles.correction ? row.resolutions[roles.correction] : undefined;
  if (correction?.status === "resolved" && typeof (correction.value as { text?: unknown })?.text === "string") {
    return (correction.value as { text: string }).text;
  }
  const approval = roles.approval ? row.resolutions[roles.approval.key] : undefined;
  if (!roles.approval || approval?.status !== "resolved") return null;
  const approved = roles.approval.kind === "thumbs" ? approval.value === "up" : typeof approval.value === "number" && approval.value >= roles.approval.min;
  return approved ? (row.outputs[0]?.text ?? null) : null;
}

function checkMessages(messages: ChatMessage[], last: "assistant" | "not-assistant"): string | null {
  for (const [i, m] of messages.entries()) {
    if (!SFT_ROLES.has(m.role)) return `message ${i + 1} has role "${m.role}"; expected system, user or assistant`;
    if (m.content.trim() === "") return `message ${i + 1} (${m.role}) has empty content`;
  }
  if (!messages.some((m) => m.role === "user")) return "no user message";
  const final = messages.at(-1)?.role;
  if (last === "assistant" && final !== "assistant") return "the last message is not the assistant's";
  if (last === "not-assistant" && final === "assistant") return "the prompt ends with an assistant message";
  return null;
}

function chatOutcome(row: FrozenRow, roles: Roles): Outcome<ChatRecord> {
  const target = sftTarget(row, roles);
  if (target === null) return skip("neither a correction nor an approved output");
  const messages: ChatMessage[] = [...promptMessages(row.input), { role: "assistant", content: target }];
  const problem = checkMessages(messages, "assistant");
  return problem ? invalid(problem) : { kind: "row", record: { messages } };
}

function pairOutcomes(row: FrozenRow, roles: Roles): Outcome<PairRecord>[] {
  const prompt = promptMessages(row.input);
  const promptText = row.input.type === "text" ? row.input.text : null;
  const pair = (chosen: string, rejected: string, what: string): Outcome<PairRecord> => {
    const problem = checkMessages(prompt, "not-assistant");
    if (problem) return invalid(problem);
    if (chosen.trim() === "" || rejected.trim() === "") return invalid(`${what}: a side is empty`);
    if (chosen === rejected) return invalid(`${what}: both sides are the same text`);
    return { kind: "row", record: { prompt, promptText, chosen, rejected } };
  };
  const outcomes: Outcome<PairRecord>[] = [];
  const pairwise = roles.pairwise ? row.resolutions[roles.pairwise] : undefined;
  if (pairwise?.status === "resolved") {
    const winner = (pairwise.value as { winner?: unknown })?.winner;
    if (winner === "tie") return [skip("pairwise choice resolved as a tie (no preferred output)")];
    if (row.outputs.length < 2) outcomes.push(invalid("pairwise choice on an item with fewer than two outputs"));
    else if (winner !== 0 && winner !== 1) outcomes.push(invalid(`pairwise winner ${String(winner)} is not output 0 or 1`));
    else outcomes.push(pair(row.outputs[winner]!.text, row.outputs[1 - winner]!.text, "pairwise"));
  }
  const correction = roles.correction ? row.resolutions[roles.correction] : undefined;
  if (roles.preferenceFromCorrections && correction?.status === "resolved") {
    outcomes.push(pair(String((correction.value as { text?: unknown })?.text ?? ""), row.outputs[0]?.text ?? "", "correction"));
  }
  if (outcomes.length) return outcomes;
  if (pairwise?.status === "unresolved") return [skip("pairwise choice unresolved (a tie or a split vote)")];
  return [skip(roles.preferenceFromCorrections ? "no pairwise choice and no correction" : "no pairwise choice")];
}

function classOutcome(row: FrozenRow, roles: Roles): Outcome<ClassRecord> {
  if (!roles.label) return skip("the template has no label question");
  const label = labelOf(row.resolutions, roles);
  if (label === null) return skip("label unresolved");
  if (Array.isArray(label) && label.length === 0) return skip("no label chosen");
  const { text, from } = classifierText(row, roles);
  if (text.trim() === "") return invalid(`empty ${from} text`);
  return { kind: "row", record: { text, label: joinLabels(label), split: row.split } };
}
