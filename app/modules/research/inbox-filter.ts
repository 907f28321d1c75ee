import { inboxFilterSchema, type InboxFilter } from "./schemas";

/** The URL parameters the inbox's filters live in, in the order they are written back. */
export const FILTER_KEYS = ["q", "source", "score", "segment", "model", "promptVersion", "from", "to", "theme", "coded", "sample"] as const;

/**
 * The filters a URL carries. Empty parameters are dropped and a malformed one is ignored (a stale
 * shared link still opens the inbox) rather than refused.
 */
export function filterFromSearch(search: URLSearchParams): InboxFilter {
  const filter: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key)?.trim();
    if (!value) continue;
    const one = inboxFilterSchema.shape[key].safeParse(value);
    if (one.success && one.data !== undefined) filter[key] = one.data;
  }
  return filter as InboxFilter;
}

/** The filters as URL parameters (shareable), with extra parameters (the open comment, the quote set) after them. */
export function searchOfFilter(filter: InboxFilter, extra: Record<string, string | number | undefined> = {}): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) search.set(key, filter[key]);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined && value !== "") search.set(key, String(value));
  return search;
}

/** The words of a search, lower-cased, without websearch syntax (quotes, `or`, a leading minus: excluded words are not shown). */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  const terms = new Set<string>();
  for (const raw of q.split(/\s+/)) {
    if (raw.startsWith("-") || raw.toLowerCase() === "or") continue;
    for (const word of raw.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) terms.add(word);
  }
  return [...terms];
}

const SUFFIXES = ["ing", "ed", "es", "s", "ly"];
const stem = (w: string) => {
  for (const s of SUFFIXES) if (w.length > s.length + 2 && w.endsWith(s)) return w.slice(0, -s.length);
  return w;
};

/** Whether two words differ by at most `max` insertions, deletions or substitutions. */
function within(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]! <= max;
}

function matches(word: string, term: string): boolean {
  if (word === term || stem(word) === stem(term)) return true;
  if (term.length < 4) return false;
  return within(stem(word), stem(term), term.length >= 8 ? 2 : 1);
}

/**
 * The [start, end) ranges of `text` to highlight for a search: words equal to a search word, with
 * the same stem, or one typo away (two for long words), as the search's stemming and trigrams match.
 */
export function highlightRanges(text: string, q: string | undefined): [number, number][] {
  const terms = searchTerms(q);
  if (!terms.length) return [];
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = m[0].toLowerCase();
    if (terms.some((t) => matches(word, t))) ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}

/** The text cut into plain and marked pieces (for <mark>), from non-overlapping sorted ranges clipped to the text. */
export function splitByRanges(text: string, ranges: [number, number][]): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(at, Math.min(s, text.length));
    const end = Math.min(e, text.length);
    if (end <= start) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/** The shown form of a match count: exact up to the bound, then "10,000+". */
export function countLabel(count: number, bound: number): string {
  return count > bound ? `${bound.toLocaleString("en-US")}+` : count.toLocaleString("en-US");
}
