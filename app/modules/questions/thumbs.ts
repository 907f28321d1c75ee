import { z } from "zod";
import { plurality } from "./consensus-rules";
import { questionBase } from "./fields";
import type { KindModule } from "./types";

export const thumbsSchema = z.object({ ...questionBase, kind: z.literal("thumbs") });
export type ThumbsQuestion = z.output<typeof thumbsSchema>;

const valid = (value: unknown) => value === "up" || value === "down";

/** Up or down. Consensus: a strict plurality, a tie stays unresolved. */
export const thumbs: KindModule<ThumbsQuestion> = {
  kind: "thumbs",
  label: "Thumbs up / down",
  schema: thumbsSchema,
  defaults: () => ({}),
  check: (_q, value) => (valid(value) ? null : 'Expected "up" or "down".'),
  readForm: (_q, name, fields) => fields.text(name),
  describeAnswer: (_q, value) => String(value),
  consensus: (_q, votes) => plurality(votes.map((v) => String(v.value)), (k) => k),
  asResolution: (_q, answer) => answer,
  digit: (_q, digit) => (digit === 1 ? "up" : digit === 2 ? "down" : null),
  agreement: () => ({ measure: "category", compare: "string" }),
  calibration: () => ({ measure: "label", labels: ["up", "down"], label: (value) => (valid(value) ? (value as string) : null) }),
  modelAnswer: {
    schema: () => ({ type: "string", enum: ["up", "down"], description: '"up" when the output is acceptable, "down" when it is not.' }),
    read: (_q, raw) => (valid(raw) ? { value: raw } : { error: `${JSON.stringify(raw)}: expected "up" or "down".` }),
  },
};
