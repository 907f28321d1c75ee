/**
 * The one CSV writer: every CSV Loupe writes (dataset exports, an import's rejected rows) goes
 * through `csvLine`. RFC 4180 (quotes doubled, CRLF), with OWASP's CSV-injection advice applied
 * to every text cell: a cell a spreadsheet could run as a formula gets a leading apostrophe, so
 * Excel, LibreOffice and Google Sheets open it as text.
 */

/** Characters OWASP says no cell may begin with, beyond the formula signs: tab, CR, LF (and NUL, per ASVS). */
const BAD_FIRST = new Set(["\t", "\r", "\n", "\0"]);
const FORMULA_SIGNS = new Set(["=", "+", "-", "@"]);
// why: spreadsheets skip leading blanks before reading a formula, and a BOM, zero-width or other
// invisible format character in front hides the sign from a first-character check.
const LEADING_INVISIBLE = /^[\s\p{Cc}\p{Cf}]+/u;

/**
 * Whether a spreadsheet could read `text` as a formula: it starts with = + - @, tab, CR, LF or
 * NUL, or — after any whitespace, BOM, control or invisible format characters — with = + - @ or
 * a compatibility form of one (full-width ＝ ＋ － ＠, small ﹦ ﹢ ﹣ ﹫: anything NFKC maps to them).
 */
export function isFormulaLike(text: string): boolean {
  const first = text[0];
  if (first === undefined) return false;
  if (FORMULA_SIGNS.has(first) || BAD_FIRST.has(first)) return true;
  const rest = text.replace(LEADING_INVISIBLE, "");
  const sign = rest.codePointAt(0);
  return sign !== undefined && FORMULA_SIGNS.has(String.fromCodePoint(sign).normalize("NFKC"));
}

/** The cell as a spreadsheet shows it as text: a formula-like cell gets a leading apostrophe. */
export function neutralizeCell(text: string): string {
  return isFormulaLike(text) ? `'${text}` : text;
}

// why: OWASP: besides the first character, mind separators (`,` and, in many locales, `;`) and
// quotes (`"` and `'`) that could start a new cell; tabs (TSV-guessing readers) and leading or
// trailing blanks (readers that trim) are quoted too, so every reader sees the same cell.
const NEEDS_QUOTES = /[",;'\t\r\n]|^\s|\s$/;

export type CsvQuoting = "always" | "as-needed";

/** One field: text neutralized, then quoted (always, or as-needed when it holds anything above). */
export function csvField(cell: string | number | null | undefined, quoting: CsvQuoting = "always"): string {
  const text = typeof cell === "string" ? neutralizeCell(cell) : cell == null ? "" : String(cell);
  if (quoting === "as-needed" && !NEEDS_QUOTES.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}

/** One CSV line, CRLF included. Numbers are ours and written as they are; strings are treated as hostile. */
export function csvLine(cells: readonly (string | number | null | undefined)[], quoting: CsvQuoting = "always"): string {
  return `${cells.map((cell) => csvField(cell, quoting)).join(",")}\r\n`;
}
