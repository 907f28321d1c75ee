import type { TemplateInput } from "./schemas";

/** Ready-made templates a manager starts a project from, then edits. */
export const templatePresets = {
  "rate-and-correct": {
    name: "Rate & correct",
    description: "Rate the output, fix what is wrong, and say why. On an item with several outputs, rating and correction are about the first one (the review screen says which response that is).",
    template: {
      questions: [
        { key: "quality", kind: "rating", text: "How good is this answer?", min: 1, max: 5, minLabel: "Unusable", maxLabel: "Perfect", required: true },
        { key: "correction", kind: "correction", text: "Correct the answer if needed" },
        { key: "comment", kind: "text", text: "Anything else?" },
      ],
    },
  },
  "pairwise-preference": {
    name: "Pairwise preference",
    description: "Two answers side by side: which is better, and by how much.",
    template: {
      questions: [
        { key: "preference", kind: "pairwise", text: "Which answer is better?", allowTie: true, strength: true, required: true },
        { key: "reason", kind: "text", text: "Why?" },
      ],
    },
  },
  classify: {
    name: "Classify",
    description: "Put each output in one category.",
    template: {
      questions: [
        {
          key: "label",
          kind: "choice",
          text: "Which category fits?",
          multiple: false,
          required: true,
          options: [{ value: "positive" }, { value: "neutral" }, { value: "negative" }],
        },
      ],
    },
  },
  rubric: {
    name: "Rubric",
    description: "Score correctness, relevance, tone and helpfulness separately.",
    template: {
      questions: [
        { key: "correctness", kind: "rating", text: "Correctness", min: 1, max: 5, minLabel: "Wrong", maxLabel: "Fully correct", required: true },
        { key: "relevance", kind: "rating", text: "Relevance", min: 1, max: 5, minLabel: "Off-topic", maxLabel: "On point", required: true },
        { key: "tone", kind: "rating", text: "Tone", min: 1, max: 5, minLabel: "Inappropriate", maxLabel: "Just right", required: true },
        { key: "helpfulness", kind: "rating", text: "Helpfulness", min: 1, max: 5, minLabel: "Useless", maxLabel: "Very helpful", required: true },
        { key: "comment", kind: "text", text: "Comment" },
      ],
    },
  },
  "risk-review": {
    name: "Risk review",
    description: "Flag risks and mark the exact passages that carry them.",
    template: {
      questions: [
        { key: "risks", kind: "flags", text: "Which risks does this output carry?" },
        { key: "spans", kind: "spans", text: "Mark the problematic passages" },
        { key: "safe", kind: "thumbs", text: "Is it safe to show to users?", required: true },
        { key: "notes", kind: "text", text: "Notes" },
      ],
    },
  },
} as const satisfies Record<string, { name: string; description: string; template: TemplateInput }>;

export type TemplatePresetId = keyof typeof templatePresets;
export const templatePresetIds = Object.keys(templatePresets) as TemplatePresetId[];
