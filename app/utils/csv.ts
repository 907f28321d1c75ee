/**
 * One CSV line (RFC 4180: every cell quoted, quotes doubled, CRLF). Cells a spreadsheet would run
 * as a formula — starting with = + - @, a tab or a carriage return — get a leading apostrophe,
 * so untrusted text (an imported row, an error quoting it) opens as text.
 */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map((cell) => `"${neutralize(cell == null ? "" : String(cell)).replaceAll('"', '""')}"`).join(",")}\r\n`;
}

const neutralize = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
