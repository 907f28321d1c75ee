import { z } from "zod";
import { tally } from "./consensus-rules";
import { questionBase } from "./fields";
import type { KindModule } from "./types";

export const correctionSchema = z.object({ ...questionBase, kind: z.literal("correction") });
export type CorrectionQuestion = z.output<typeof correctionSchema>;

const MAX = 200_000;
const problem = (value: unknown) => {
  const text = (value as { text?: unknown } | null)?.text;
  return typeof value === "object" && typeof text === "string" && text.length <= MAX ? null : "Expected {text} with the corrected output.";
};
const normalizeText = (text: string) => text.replace(/\r\n?/g, "\n").trim();

/**
 * An edited copy of the (first) output. Consensus: identical corrections (line breaks and outer
 * white space aside), else unresolved until adjudicated.
 */
export const correction: KindModule<CorrectionQuestion> = {
  kind: "correction",
  label: "Correction",
  schema: correctionSchema,
  defaults: () => ({}),
  check: (_q, value) => problem(value),
  readForm(_q, name, fields, ctx) {
    const edited = fields.text(name);
    if (edited === undefined) return undefined;
    // An unchanged copy of the output is no correction (the screen does the same).
    if (ctx.unchangedCorrectionIsNoAnswer && edited === (ctx.outputs[0]?.text ?? "").replace(/\r\n?/g, "\n")) return undefined;
    return { text: edited };
  },
  describeAnswer: (_q, value) => String((value as { text?: unknown } | null)?.text ?? ""),
  consensus(_q, votes) {
    const values = votes.map((v) => v.value as { text: string });
    const counts = tally(values.map((v) => normalizeText(v.text)));
    const agreement = Math.max(...counts.values()) / values.length;
    if (counts.size === 1) return { status: "resolved", value: { text: values[0]!.text }, method: "majority", agreement, detail: { distinct: 1 } };
    return { status: "unresolved", value: null, method: "majority", agreement, detail: { distinct: counts.size } };
  },
  asResolution: (_q, answer) => ({ text: (answer as { text: string }).text }),
  digit: () => null,
  agreement: () => ({ measure: "category", compare: "text" }),
  calibration: () => ({ measure: "none", reason: "A correction is free text: there is no label or score to set a judge's against the consensus." }),
  modelAnswer: {
    schema: () => ({
      type: "object",
      properties: { text: { type: "string", description: "The output rewritten with its errors corrected; the output itself when it needs no change." } },
      required: ["text"],
      additionalProperties: false,
    }),
    read(_q, raw) {
      const issue = problem(raw);
      return issue ? { error: issue } : { value: { text: (raw as { text: string }).text } };
    },
  },
};
