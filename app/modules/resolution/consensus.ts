import type { Span } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";

/** One reviewer's answer to one question (missing answers are left out before this). */
export type Vote = { userId: string; value: unknown };

export type Consensus = {
  status: "resolved" | "unresolved";
  /** The consensus in the question kind's answer shape; null while unresolved. */
  value: unknown;
  method: "majority" | "mean" | "overlap" | "single";
  /** Share of the answers that agree with the value (0–1); null with one answer. */
  agreement: number | null;
  detail: Record<string, unknown>;
};

/** Question kinds that have a consensus (a `text` comment has none). */
export const hasConsensus = (q: Question) => q.kind !== "text";

/** An answer counts as given unless it is absent or null (an empty flag list is an answer: "none raised"). */
export const isAnswered = (value: unknown) => value !== undefined && value !== null;

/** Spans of the same label and output whose overlap ÷ union reaches this are the same finding. */
export const SPAN_OVERLAP = 0.5;

/**
 * The consensus of one question from the answers given to it, per docs/decisions/0008-resolutions.md:
 * a strict plurality for thumbs, single choice and pairwise (a tie, or a pairwise "tie" on top,
 * stays unresolved); mean (with median and spread) for ratings; the options a strict majority
 * chose for multi-choice and flags; spans clustered by overlap, kept when a strict majority of
 * reviewers has a span in the cluster; identical corrections, else unresolved until adjudicated.
 * With one answer that answer is the consensus (`single`, agreement null).
 */
export function consensusOf(q: Question, votes: Vote[]): Consensus {
  if (!hasConsensus(q)) throw new Error(`A ${q.kind} question has no consensus.`);
  if (votes.length === 0) throw new Error("A consensus needs at least one answer.");
  const c = byKind(q, votes);
  return votes.length === 1 ? { ...c, method: "single", agreement: null } : c;
}

function byKind(q: Question, votes: Vote[]): Consensus {
  const values = votes.map((v) => v.value);
  switch (q.kind) {
    case "rating":
      return rating(values as number[]);
    case "thumbs":
      return plurality(values.map(String), (k) => k);
    case "choice":
      return q.multiple ? majoritySet(values as string[][]) : plurality(values.map(String), (k) => k);
    case "flags":
      return majoritySet(values as string[][]);
    case "pairwise":
      return plurality(values.map((v) => String((v as { winner: unknown }).winner)), (k) => (k === "tie" ? null : { winner: Number(k) }));
    case "correction":
      return correction(values as { text: string }[]);
    case "spans":
      return spans(votes as { userId: string; value: Span[] }[]);
    case "text":
      throw new Error("unreachable");
  }
}

function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** Top key wins only if strictly ahead of the next; `toValue` null means "no winner" (a pairwise tie). */
function plurality(keys: string[], toValue: (key: string) => unknown): Consensus {
  const counts = tally(keys);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [top, second] = ranked as [[string, number], [string, number] | undefined];
  const votes = Object.fromEntries([...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  const agreement = top[1] / keys.length;
  const value = second && second[1] === top[1] ? null : toValue(top[0]);
  return value === null
    ? { status: "unresolved", value: null, method: "majority", agreement, detail: { votes } }
    : { status: "resolved", value, method: "majority", agreement, detail: { votes } };
}

function rating(values: number[]): Consensus {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const counts = tally(sorted.map(String));
  const modal = Math.max(...counts.values());
  return {
    status: "resolved",
    value: mean,
    method: "mean",
    // why: the share giving the most common rating, so "agreement ≥ 0.8" means the same for every kind.
    agreement: modal / n,
    detail: { mean, median, spread: sorted[n - 1]! - sorted[0]!, votes: Object.fromEntries(counts) },
  };
}

function majoritySet(lists: string[][]): Consensus {
  const n = lists.length;
  const counts = tally(lists.flatMap((l) => [...new Set(l)]));
  const value = [...counts.entries()].filter(([, c]) => c > n / 2).map(([v]) => v).sort();
  const key = JSON.stringify(value);
  const same = lists.filter((l) => JSON.stringify([...new Set(l)].sort()) === key).length;
  return { status: "resolved", value, method: "majority", agreement: same / n, detail: { votes: Object.fromEntries([...counts.entries()].sort()) } };
}

const normalizeText = (text: string) => text.replace(/\r\n?/g, "\n").trim();

function correction(values: { text: string }[]): Consensus {
  const counts = tally(values.map((v) => normalizeText(v.text)));
  const agreement = Math.max(...counts.values()) / values.length;
  if (counts.size === 1) return { status: "resolved", value: { text: values[0]!.text }, method: "majority", agreement, detail: { distinct: 1 } };
  return { status: "unresolved", value: null, method: "majority", agreement, detail: { distinct: counts.size } };
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
function spans(votes: { userId: string; value: Span[] }[]): Consensus {
  const all = votes.flatMap((v) => v.value.map((span) => ({ span, userId: v.userId })));
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
  const n = votes.length;
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
  const agreeing = votes.filter((v) => {
    const theirs = new Set(all.flatMap((entry, i) => (entry.userId === v.userId ? [find(i)] : [])));
    return theirs.size === keptClusters.size && [...theirs].every((c) => keptClusters.has(c));
  }).length;
  return { status: "resolved", value: kept, method: "overlap", agreement: agreeing / n, detail: { clusters: clusters.size, kept: kept.length, overlap: SPAN_OVERLAP } };
}
