import { describe, expect, it } from "vitest";
import { exactMatch, normalizeForExactMatch } from "./exact-match";

describe("exact match", () => {
  it("ignores surrounding and repeated whitespace, line endings and Unicode composition, not case", () => {
    expect(normalizeForExactMatch("  Paris,\r\n  France\t")).toBe("Paris, France");
    expect(exactMatch("Cafe\u0301 au lait", "Café  au lait\n")).toEqual({ value: 1, reason: null });
    expect(exactMatch("Paris", "paris")).toEqual({ value: 0, reason: null });
    expect(exactMatch("Paris", "paris", { ignoreCase: true })).toEqual({ value: 1, reason: null });
    expect(exactMatch("Paris.", "Paris").value).toBe(0);
  });
});
