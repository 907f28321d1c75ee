import type { Consensus } from "./types";

export function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** Top key wins only if strictly ahead of the next; `toValue` null means "no winner" (a pairwise tie). */
export function plurality(keys: string[], toValue: (key: string) => unknown): Consensus {
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

/** The options a strict majority chose (multi-choice, flags); agreement is the share who chose exactly that set. */
export function majoritySet(lists: string[][]): Consensus {
  const n = lists.length;
  const counts = tally(lists.flatMap((l) => [...new Set(l)]));
  const value = [...counts.entries()].filter(([, c]) => c > n / 2).map(([v]) => v).sort();
  const key = JSON.stringify(value);
  const same = lists.filter((l) => JSON.stringify([...new Set(l)].sort()) === key).length;
  return { status: "resolved", value, method: "majority", agreement: same / n, detail: { votes: Object.fromEntries([...counts.entries()].sort()) } };
}

/** A list answer in words: "a, b", or "None" for an empty list. */
export const describeList = (value: unknown) => (Array.isArray(value) ? (value.length ? value.join(", ") : "None") : String(value));
