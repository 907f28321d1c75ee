import { z } from "zod";
import { plurality } from "./consensus-rules";
import { letterOf } from "./labels";
import { questionBase } from "./fields";
import type { AnswerContext, KindModule, PairwiseAnswer } from "./types";

export const pairwiseSchema = z.object({
  ...questionBase,
  kind: z.literal("pairwise"),
  allowTie: z.boolean().default(true),
  strength: z.boolean().default(false),
});
export type PairwiseQuestion = z.output<typeof pairwiseSchema>;

function problem(q: PairwiseQuestion, value: unknown, context: AnswerContext): string | null {
  const answer = value as Partial<PairwiseAnswer>;
  const n = context.outputs.length;
  if (n < 2) return "This item has fewer than two outputs to compare.";
  if (typeof value !== "object" || value === null) return "Expected {winner, shown}.";
  const winnerOk = answer.winner === "tie" ? q.allowTie : Number.isInteger(answer.winner) && answer.winner! >= 0 && answer.winner! < n;
  if (!winnerOk) return q.allowTie ? `Expected winner to be an output index below ${n} or "tie".` : `Expected winner to be an output index below ${n}.`;
  if (answer.strength !== undefined && (!q.strength || !["slightly", "much"].includes(answer.strength))) {
    return q.strength ? 'Expected strength "slightly" or "much".' : "This question does not ask for a strength.";
  }
  const shown = answer.shown;
  if (!Array.isArray(shown) || shown.length !== 2 || shown.some((i) => !Number.isInteger(i) || i < 0 || i >= n) || shown[0] === shown[1]) {
    return "Expected shown to list the two output indexes in the order they were displayed.";
  }
  if (answer.winner !== "tie" && !shown.includes(answer.winner as number)) return "The winner must be one of the outputs shown.";
  return null;
}

/**
 * Which of two outputs is better (or a tie, where allowed), stored as the output's index with the
 * order the reviewer saw them in (`shown`), so position bias stays measurable. Consensus: a strict
 * plurality of winners; a split or a tie on top stays unresolved.
 */
export const pairwise: KindModule<PairwiseQuestion> = {
  kind: "pairwise",
  label: "Pairwise (A or B)",
  schema: pairwiseSchema,
  defaults: () => ({ allowTie: true, strength: false }),
  check: problem,
  readForm(_q, name, fields) {
    const raw = fields.text(name);
    if (raw === undefined) return undefined;
    // why: an adjudicator's form names the output directly, in output order.
    const shown = fields.text(`${name}.shown`)?.split(",").map(Number) ?? [0, 1];
    const strength = fields.text(`${name}.strength`);
    return { winner: raw === "tie" ? "tie" : /^\d+$/.test(raw) ? Number(raw) : raw, shown, ...(strength && raw !== "tie" ? { strength } : {}) };
  },
  describeAnswer(_q, value) {
    const winner = (value as { winner?: unknown } | null)?.winner;
    return winner === "tie" ? "Tie" : `Response ${letterOf(Number(winner))}`;
  },
  consensus: (_q, votes) => plurality(votes.map((v) => String((v.value as { winner: unknown }).winner)), (k) => (k === "tie" ? null : { winner: Number(k) })),
  asResolution: (_q, answer) => ({ winner: (answer as PairwiseAnswer).winner }),
  digit: () => null,
  agreement: () => ({ measure: "category", compare: "winner" }),
  calibration: () => ({
    measure: "label",
    // why: the labels are output indexes, and items differ in how many outputs they have.
    labels: null,
    label(value) {
      const winner = (value as { winner?: unknown } | null)?.winner;
      return winner === "tie" || Number.isInteger(winner) ? String(winner) : null;
    },
    position(value) {
      const { winner, shown } = (value ?? {}) as Partial<PairwiseAnswer>;
      if (!Array.isArray(shown) || shown.length !== 2) return null;
      const side = winner === "tie" ? "tie" : winner === shown[0] ? "left" : winner === shown[1] ? "right" : null;
      return side ? { order: shown.join(","), side } : null;
    },
  }),
  modelAnswer: {
    schema(q, ctx) {
      const letters = ctx.shown.map((_, i) => letterOf(i));
      const winner = { type: "string", enum: [...letters, ...(q.allowTie ? ["tie"] : [])], description: `The better response${q.allowTie ? ', or "tie" when neither is better' : ""}.` };
      if (!q.strength) return { type: "object", properties: { winner }, required: ["winner"], additionalProperties: false };
      const strength = { type: ["string", "null"], enum: ["slightly", "much", null], description: "How much better (null for a tie)." };
      return { type: "object", properties: { winner, strength }, required: ["winner", "strength"], additionalProperties: false };
    },
    read(q, raw, ctx) {
      const answer = (raw ?? {}) as { winner?: unknown; strength?: unknown };
      const position = typeof answer.winner === "string" ? answer.winner.charCodeAt(0) - 65 : -1;
      const winner = answer.winner === "tie" ? "tie" : answer.winner?.toString().length === 1 ? ctx.shown[position] : undefined;
      if (winner === undefined) return { error: `${JSON.stringify(raw)}: expected winner ${ctx.shown.map((_, i) => `"${letterOf(i)}"`).join(", ")}${q.allowTie ? ' or "tie"' : ""}.` };
      const value: PairwiseAnswer = { winner, shown: ctx.shown.slice(0, 2) };
      if (q.strength && winner !== "tie" && (answer.strength === "slightly" || answer.strength === "much")) value.strength = answer.strength;
      const issue = problem(q, value, ctx);
      return issue ? { error: `${JSON.stringify(raw)}: ${issue}` } : { value };
    },
  },
};
