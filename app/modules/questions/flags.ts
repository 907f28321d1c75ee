import { z } from "zod";
import { describeList, majoritySet } from "./consensus-rules";
import { optionValue, questionBase, riskFlags } from "./fields";
import type { KindModule } from "./types";

export const flagsSchema = z.object({
  ...questionBase,
  kind: z.literal("flags"),
  options: z
    .array(optionValue)
    .min(1)
    .max(20)
    .default([...riskFlags])
    .refine((l) => new Set(l).size === l.length, { error: "Flags must be unique." }),
});
export type FlagsQuestion = z.output<typeof flagsSchema>;

const problem = (q: FlagsQuestion, value: unknown) =>
  Array.isArray(value) && value.every((v) => typeof v === "string" && q.options.includes(v)) ? null : `Expected a list of: ${q.options.join(", ")}.`;

/** Risk checkboxes (hallucination, toxicity, PII…); an empty list is an answer: "none raised". Consensus: the flags a strict majority raised. */
export const flags: KindModule<FlagsQuestion> = {
  kind: "flags",
  label: "Risk flags",
  schema: flagsSchema,
  defaults: () => ({ options: [...riskFlags] }),
  check: problem,
  readForm: (_q, name, fields) => fields.list(name),
  describeAnswer: (_q, value) => describeList(value),
  consensus: (_q, votes) => majoritySet(votes.map((v) => v.value as string[])),
  asResolution: (_q, answer) => [...(answer as string[])].sort(),
  digit: (q, digit) => (digit >= 1 ? (q.options[digit - 1] ?? null) : null),
  agreement: (q) => ({ measure: "per-option", options: q.options }),
  calibration: (q) => ({
    measure: "set",
    labels: q.options,
    set: (value) => (Array.isArray(value) && value.every((v) => typeof v === "string") ? [...new Set(value as string[])] : null),
  }),
  modelAnswer: {
    schema: (q) => ({ type: "array", items: { type: "string", enum: q.options }, description: "Every risk present in the output (an empty list when there is none)." }),
    read(q, raw) {
      const value = Array.isArray(raw) ? [...new Set(raw)] : raw;
      const issue = problem(q, value);
      return issue ? { error: `${JSON.stringify(raw)}: ${issue}` } : { value };
    },
  },
};
