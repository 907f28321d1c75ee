import type { ChatMessage } from "~/modules/items/schemas";

const TURN = /^(Human|Assistant):[ \t]?([\s\S]*)$/;

/**
 * An Anthropic HH-RLHF dialogue (`\n\nHuman: … \n\nAssistant: …`) as chat messages, or null
 * when the text is not made of such turns. A turn starts only at a blank line followed by the
 * speaker, so "Human:" quoted inside an answer stays part of it.
 */
export function parseHhDialogue(text: string): ChatMessage[] | null {
  const pieces = text.split(/\n\n(?=(?:Human|Assistant):)/);
  const messages: ChatMessage[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (i === 0 && piece.trim() === "") continue;
    const turn = TURN.exec(piece);
    if (!turn) return null;
    messages.push({ role: turn[1] === "Human" ? "user" : "assistant", content: turn[2]!.trim() });
  }
  return messages.length ? messages : null;
}

export type PreferencePair = { input: ChatMessage[]; chosen: string; rejected: string };

/**
 * Splits a chosen/rejected pair into the conversation both share (up to and including the last
 * Human turn they have in common) and the two answers after it. Some pairs end in two Assistant
 * turns on one side; those turns are joined into that side's answer.
 */
export function splitPreferencePair(chosenText: string, rejectedText: string): PreferencePair | { problem: string; field: "chosen" | "rejected" } {
  const chosen = parseHhDialogue(chosenText);
  if (!chosen) return { field: "chosen", problem: 'expected "Human: …" and "Assistant: …" turns' };
  const rejected = parseHhDialogue(rejectedText);
  if (!rejected) return { field: "rejected", problem: 'expected "Human: …" and "Assistant: …" turns' };
  let shared = 0;
  while (shared < chosen.length && shared < rejected.length && sameTurn(chosen[shared]!, rejected[shared]!)) shared++;
  while (shared > 0 && chosen[shared - 1]!.role !== "user") shared--;
  if (shared === 0) return { field: "chosen", problem: 'the two dialogues do not start with the same "Human:" turn' };
  const tail = (turns: ChatMessage[]) => turns.slice(shared);
  const answer = (turns: ChatMessage[]) => (turns.length && turns.every((t) => t.role === "assistant") ? turns.map((t) => t.content).join("\n\n") : null);
  const chosenAnswer = answer(tail(chosen));
  if (chosenAnswer === null) return { field: "chosen", problem: 'the dialogues differ before their final "Assistant:" turn' };
  const rejectedAnswer = answer(tail(rejected));
  if (rejectedAnswer === null) return { field: "rejected", problem: 'the dialogues differ before their final "Assistant:" turn' };
  return { input: chosen.slice(0, shared), chosen: chosenAnswer, rejected: rejectedAnswer };
}

const sameTurn = (a: ChatMessage, b: ChatMessage) => a.role === b.role && a.content === b.content;
