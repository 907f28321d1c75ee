import { describe, expect, it } from "vitest";
import { csvField, csvLine, isFormulaLike, neutralizeCell } from "./csv";

// Each hostile cell, and what a spreadsheet must be given instead (a leading apostrophe).
const hostile: [string, string][] = [
  ["plain formula", "=1+2"],
  ["plus", "+1"],
  ["minus", "-2+3"],
  ["at", "@SUM(A1:A9)"],
  ["tab first", "\t=1+2"],
  ["tab before text", "\thello"],
  ["CR first", "\r=1+2"],
  ["LF first", "\n=1+2"],
  ["LF before text", "\nhello"],
  ["CRLF before a formula", "\r\n=HYPERLINK(\"http://evil.example\")"],
  ["NUL first", "\0=1"],
  ["space before a formula", " =1+2"],
  ["spaces before at", "   @SUM(A1)"],
  ["no-break space before a formula", "\u00a0=1+2"],
  ["ideographic space before a formula", "\u3000=1+2"],
  ["BOM before a formula", "\ufeff=1+2"],
  ["zero-width space before a formula", "\u200b=1+2"],
  ["word joiner and LRM before a formula", "\u2060\u200e+1"],
  ["full-width equals", "＝1+2"],
  ["full-width plus", "＋1"],
  ["full-width minus", "－1"],
  ["full-width at", "＠SUM(A1)"],
  ["small equals", "﹦1+2"],
  ["small plus", "﹢1"],
  ["small hyphen-minus", "﹣1"],
  ["small at", "﹫x"],
  ["blanks, then a full-width formula", " \r\n\t\u3000＝cmd|' /C calc'!A0"],
];

const harmless = ["hello", "1+1=2", "e-mail", "a@b.example", " hello", "\u3000こんにちは", "\ufeffhello", "'already text", "", "don't", "−1 (a minus sign, not a hyphen)"];

describe("CSV cells a spreadsheet could run (OWASP CSV injection)", () => {
  it.each(hostile)("neutralizes %s", (_what, cell) => {
    expect(isFormulaLike(cell)).toBe(true);
    expect(neutralizeCell(cell)).toBe(`'${cell}`);
    // Quoted whichever way the file quotes: the apostrophe is an OWASP quote character.
    expect(csvField(cell, "as-needed")).toBe(`"'${cell.replaceAll('"', '""')}"`);
    expect(csvField(cell, "always")).toBe(`"'${cell.replaceAll('"', '""')}"`);
  });

  it.each(harmless)("leaves %j as it is", (cell) => {
    expect(isFormulaLike(cell)).toBe(false);
    expect(neutralizeCell(cell)).toBe(cell);
  });
});

describe("csvLine: the one CSV writer", () => {
  it("quotes every cell by default, doubling quotes, and ends with CRLF", () => {
    expect(csvLine([3, null, undefined, 'say "hi"', "=1"])).toBe(`"3","","","say ""hi""","'=1"\r\n`);
  });

  it("as-needed, quotes separators (, and ;), quotes (\" and '), tabs, line breaks and edge blanks, and nothing else", () => {
    const cells = ["plain", "a,b", "a;b", 'a"b', "it's", "a\tb", "a\nb", "a\r\nb", " lead", "trail ", "", 42];
    expect(csvLine(cells, "as-needed")).toBe(`plain,"a,b","a;b","a""b","it's","a\tb","a\nb","a\r\nb"," lead","trail ",,42\r\n`);
  });

  it("cannot be broken out of: OWASP's examples come out as one text cell each", () => {
    expect(csvLine(['=1+2";=1+2', "=1+2'\" ;,=1+2"], "as-needed")).toBe(`"'=1+2"";=1+2","'=1+2'"" ;,=1+2"\r\n`);
  });
});
