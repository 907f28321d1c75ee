import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { csvLine } from "~/utils/csv";
import { getQuoteSet, type Quote } from "./quotes.server";

const scoreText = (q: Pick<Quote, "score" | "scoreKind">) =>
  q.scoreKind === "thumbs" ? (q.score === 1 ? "thumbs up" : "thumbs down") : q.scoreKind === "stars" ? `${q.score}/5` : "";

/** A file name from the set's name: letters, digits and dashes only. */
export function exportFileName(name: string, extension: "csv" | "md"): string {
  const base = name
    .normalize("NFKD")
    .replace(/[^\w-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .toLowerCase();
  return `${base || "quotes"}.${extension}`;
}

/** The set as CSV (one quote a row), formula-safe through the one CSV writer, attributed pseudonymously. */
export async function quoteSetCsv(db: Db, actor: Actor, setId: string): Promise<{ name: string; body: string }> {
  const { set, quotes } = await getQuoteSet(db, actor, setId);
  const lines = [csvLine(["position", "quote", "note", "attribution", "score", "segment", "model", "date"])];
  for (const [i, q] of quotes.entries()) lines.push(csvLine([i + 1, q.text, q.note, q.author.label, scoreText(q), q.segment ?? "", q.model ?? "", q.occurredAt.slice(0, 10)]));
  return { name: exportFileName(set.name, "csv"), body: lines.join("") };
}

/**
 * Plain text for Markdown: every ASCII punctuation character is backslash-escaped (CommonMark lets
 * any of them be), so no text becomes emphasis, a link, a heading, a list or raw HTML.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&"'=:;,?/$%@^]/g, (c) => `\\${c}`);
}

const quoted = (text: string) =>
  text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => (line.trim() ? `> ${escapeMarkdown(line)}` : ">"))
    .join("\n");

/** The set as Markdown: a heading, then each quote as a block quote with its attribution, segment, model and date. */
export async function quoteSetMarkdown(db: Db, actor: Actor, setId: string): Promise<{ name: string; body: string }> {
  const { set, quotes } = await getQuoteSet(db, actor, setId);
  const parts = [`# ${escapeMarkdown(set.name)}`];
  if (set.description.trim()) parts.push(escapeMarkdown(set.description.trim()));
  for (const q of quotes) {
    const facts = [q.author.label, scoreText(q), q.segment && `segment ${q.segment}`, q.model && `model ${q.model}`, q.occurredAt.slice(0, 10)].filter(Boolean) as string[];
    const block = [quoted(q.text), `>`, `> — ${escapeMarkdown(facts.join(", "))}`];
    if (q.note.trim()) block.push("", `Note: ${escapeMarkdown(q.note.trim().replace(/\s*\n\s*/g, " "))}`);
    parts.push(block.join("\n"));
  }
  return {
    name: exportFileName(set.name, "md"),
    body: `${parts.join("\n\n")}\n`,
  };
}
