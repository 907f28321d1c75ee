import { z } from "zod";
import { describeList, majoritySet, plurality } from "./consensus-rules";
import { optionLabel, optionValue, questionBase } from "./fields";
import type { KindModule } from "./types";

export const choiceSchema = z
  .object({
    ...questionBase,
    kind: z.literal("choice"),
    multiple: z.boolean().default(false),
    options: z
      .array(z.object({ value: optionValue, label: optionLabel.optional() }))
      .min(2, { error: "Give at least two options." })
      .max(100, { error: "Use at most 100 options." }),
  })
  .refine((q) => new Set(q.options.map((o) => o.value)).size === q.options.length, {
    error: "Option values must be unique.",
    path: ["options"],
  });
export type ChoiceQuestion = z.output<typeof choiceSchema>;

function problem(q: ChoiceQuestion, value: unknown): string | null {
  const allowed = new Set(q.options.map((o) => o.value));
  if (q.multiple) {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !allowed.has(v))) return `Expected a list of: ${[...allowed].join(", ")}.`;
    return new Set(value).size === value.length ? null : "Each option may be chosen once.";
  }
  return typeof value === "string" && allowed.has(value) ? null : `Expected one of: ${[...allowed].join(", ")}.`;
}

/** One label (or several, with `multiple`). Consensus: a strict plurality; for several, the options a strict majority chose. */
export const choice: KindModule<ChoiceQuestion> = {
  kind: "choice",
  label: "Choice",
  schema: choiceSchema,
  defaults: () => ({ multiple: false, options: [] }),
  check: problem,
  readForm: (q, name, fields) => (q.multiple ? fields.list(name) : fields.text(name)),
  describeAnswer: (_q, value) => describeList(value),
  consensus: (q, votes) => (q.multiple ? majoritySet(votes.map((v) => v.value as string[])) : plurality(votes.map((v) => String(v.value)), (k) => k)),
  asResolution: (q, answer) => (q.multiple ? [...(answer as string[])].sort() : answer),
  digit: (q, digit) => (digit >= 1 ? (q.options[digit - 1]?.value ?? null) : null),
  agreement: (q) => (q.multiple ? { measure: "per-option", options: q.options.map((o) => o.value) } : { measure: "category", compare: "string" }),
  calibration(q) {
    const labels = q.options.map((o) => o.value);
    return q.multiple
      ? { measure: "set", labels, set: (value) => (Array.isArray(value) && value.every((v) => typeof v === "string") ? [...new Set(value as string[])] : null) }
      : { measure: "label", labels, label: (value) => (typeof value === "string" && labels.includes(value) ? value : null) };
  },
  modelAnswer: {
    schema(q) {
      const values = q.options.map((o) => o.value);
      const described = q.options.some((o) => o.label) ? ` Options: ${q.options.map((o) => (o.label ? `${o.value} (${o.label})` : o.value)).join("; ")}.` : "";
      return q.multiple
        ? { type: "array", items: { type: "string", enum: values }, description: `Every option that applies (possibly none).${described}` }
        : { type: "string", enum: values, description: `The one option that applies.${described}` };
    },
    read(q, raw) {
      const value = q.multiple && Array.isArray(raw) ? [...new Set(raw)] : raw;
      const issue = problem(q, value);
      return issue ? { error: `${JSON.stringify(raw)}: ${issue}` } : { value };
    },
  },
};
