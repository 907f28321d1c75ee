import { z } from "zod";
import { letterOf } from "./labels";
import { defaultSpanLabels, optionValue, questionBase } from "./fields";
import type { AnswerContext, Consensus, KindModule, Span, Vote } from "./types";

export const spansSchema = z.object({
  ...questionBase,
  kind: z.literal("spans"),
  labels: z
    .array(optionValue)
    .min(1, { error: "Give at least one span label." })
    .max(20)
    .default([...defaultSpanLabels])
    .refine((l) => new Set(l).size === l.length, { error: "Span labels must be unique." }),
});
export type SpansQuestion = z.output<typeof spansSchema>;

/** Spans of the same label and output whose overlap ÷ union reaches this are the same finding. */
export const SPAN_OVERLAP = 0.5;

function problem(labels: string[], value: unknown, context: AnswerContext): string | null {
  if (!Array.isArray(value)) return "Expected a list of spans.";
  for (const [i, span] of (value as Partial<Span>[]).entries()) {
    const output = context.outputs[span.output ?? -1];
    if (!output) return `Span ${i + 1}: no output ${String(span.output)}.`;
    const { start, end } = span;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start! < 0 || end! <= start! || end! > output.text.length) {
      return `Span ${i + 1}: expected 0 ≤ start < end ≤ ${output.text.length}.`;
    }
    if (!labels.includes(span.label ?? "")) return `Span ${i + 1}: label must be one of ${labels.join(", ")}.`;
    if (output.text.slice(start, end) !== span.quote) return `Span ${i + 1}: the quote does not match the output at ${start}–${end}.`;
  }
  return null;
}

const iou = (a: Span, b: Span) => {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  return inter / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
};

/**
 * Spans are the same finding when they share output and label and overlap ÷ union ≥ SPAN_OVERLAP;
 * findings chain (single linkage) into clusters. A cluster is kept when a strict majority of the
 * reviewers who answered has a span in it; it is represented by its medoid — the member span with
 * the largest summed overlap ÷ union with the others (ties: earliest, then shortest) — so the
 * value is always a span someone actually marked, with a quote that matches the output.
 */
function consensus(votes: Vote[]): Consensus {
  const typed = votes as { userId: string; value: Span[] }[];
  const all = typed.flatMap((v) => v.value.map((span) => ({ span, userId: v.userId })));
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!.span;
      const b = all[j]!.span;
      if (a.output === b.output && a.label === b.label && iou(a, b) >= SPAN_OVERLAP) parent[find(i)] = find(j);
    }
  }
  const clusters = new Map<number, number[]>();
  all.forEach((_, i) => clusters.set(find(i), [...(clusters.get(find(i)) ?? []), i]));
  const n = typed.length;
  const kept: Span[] = [];
  const keptClusters = new Set<number>();
  for (const [root, members] of clusters) {
    const reviewers = new Set(members.map((i) => all[i]!.userId));
    if (reviewers.size <= n / 2) continue;
    keptClusters.add(root);
    const score = (i: number) => members.reduce((s, j) => s + (i === j ? 0 : iou(all[i]!.span, all[j]!.span)), 0);
    const best = [...members].sort((x, y) => {
      const a = all[x]!.span;
      const b = all[y]!.span;
      return score(y) - score(x) || a.start - b.start || a.end - b.end;
    })[0]!;
    const { output, start, end, label, quote } = all[best]!.span;
    kept.push({ output, start, end, label, quote });
  }
  kept.sort((a, b) => a.output - b.output || a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : 1));
  // A reviewer agrees when their spans fall in exactly the kept clusters.
  const agreeing = typed.filter((v) => {
    const theirs = new Set(all.flatMap((entry, i) => (entry.userId === v.userId ? [find(i)] : [])));
    return theirs.size === keptClusters.size && [...theirs].every((c) => keptClusters.has(c));
  }).length;
  return { status: "resolved", value: kept, method: "overlap", agreement: agreeing / n, detail: { clusters: clusters.size, kept: kept.length, overlap: SPAN_OVERLAP } };
}

/** Passages of an output marked with a label ("hallucination"…); an empty list is an answer: nothing marked. */
export const spans: KindModule<SpansQuestion> = {
  kind: "spans",
  label: "Spans (mark text)",
  schema: spansSchema,
  defaults: () => ({ labels: [...defaultSpanLabels] }),
  check: (q, value, ctx) => problem(q.labels, value, ctx),
  readForm(_q, name, fields) {
    const raw = fields.text(name);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  },
  describeAnswer: (_q, value) =>
    Array.isArray(value)
      ? value.length
        ? (value as Span[]).map((s) => `${s.label}: “${s.quote}” (output ${s.output + 1}, ${s.start}–${s.end})`).join("; ")
        : "No spans"
      : String(value),
  consensus: (_q, votes) => consensus(votes),
  asResolution: (_q, answer) => (answer as Span[]).map(({ output, start, end, label, quote }) => ({ output, start, end, label, quote })),
  digit: () => null,
  agreement: () => ({
    measure: "none",
    reason: "Spans have no fixed categories per item, so these coefficients do not apply; see the consensus agreement (share of reviewers whose spans match the agreed ones).",
  }),
  calibration: () => ({ measure: "none", reason: "Spans have no fixed categories per item, so a judge's spans are not measured against the consensus here." }),
  modelAnswer: {
    schema: (q, ctx) => ({
      type: "array",
      description: "Each passage to mark, quoted exactly as it appears in the response (an empty list when there is none).",
      items: {
        type: "object",
        properties: {
          ...(ctx.shown.length > 1 ? { response: { type: "string", enum: ctx.shown.map((_, i) => letterOf(i)) } } : {}),
          quote: { type: "string", description: "The passage, copied exactly." },
          label: { type: "string", enum: q.labels },
        },
        required: [...(ctx.shown.length > 1 ? ["response"] : []), "quote", "label"],
        additionalProperties: false,
      },
    }),
    read(q, raw, ctx) {
      if (!Array.isArray(raw)) return { error: "Expected a list of spans." };
      const found: Span[] = [];
      for (const [i, item] of (raw as { response?: unknown; quote?: unknown; label?: unknown }[]).entries()) {
        const position = typeof item?.response === "string" ? item.response.charCodeAt(0) - 65 : 0;
        const output = ctx.shown[position];
        const text = output === undefined ? undefined : ctx.outputs[output]?.text;
        if (text === undefined) return { error: `Span ${i + 1}: no response ${JSON.stringify(item?.response)}.` };
        if (typeof item.quote !== "string" || item.quote === "") return { error: `Span ${i + 1}: expected a quote.` };
        // why: a model answers with words, not offsets; the quote is found in the output it names.
        const start = text.indexOf(item.quote);
        if (start < 0) return { error: `Span ${i + 1}: the quote ${JSON.stringify(item.quote.slice(0, 80))} is not in the response.` };
        found.push({ output: output!, start, end: start + item.quote.length, label: String(item.label), quote: item.quote });
      }
      const issue = problem(q.labels, found, ctx);
      return issue ? { error: issue } : { value: found };
    },
  },
};
