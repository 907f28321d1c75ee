import { z } from "zod";

/** What every question has, whatever its kind. */
export const questionBase = {
  key: z
    .string({ error: "Give the question a key." })
    .regex(/^[a-z][a-z0-9_]{0,39}$/, { error: "Use 1–40 lowercase letters, digits or _, starting with a letter." }),
  text: z.string({ error: "Enter the question text." }).trim().min(1, { error: "Enter the question text." }).max(500),
  help: z.string().trim().max(2000).optional(),
  required: z.boolean().default(false),
};

export const optionLabel = z.string().trim().min(1, { error: "Enter a label." }).max(80, { error: "Use at most 80 characters." });

export const optionValue = z
  .string()
  .trim()
  .min(1, { error: "Enter a value." })
  .max(80)
  // why: `?` and `!` end real label names (BANKING77's "reverted_card_payment?").
  .regex(/^[\p{L}\p{N}_.:/ ?!-]+$/u, { error: "Use letters, digits, spaces and _ . : / - ? ! only." });

export const riskFlags = ["hallucination", "toxicity", "bias", "pii_leak", "prompt_injection", "refusal"] as const;
export const defaultSpanLabels = ["hallucination", "unsupported_claim", "toxic", "pii"] as const;
