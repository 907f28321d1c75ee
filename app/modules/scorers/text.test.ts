import { describe, expect, it } from "vitest";
import { pyRstrip, pySplit, removePyWhitespace } from "./text";

describe("Python string semantics", () => {
  // Python 3.11: "a\x1cb\x85c".split() == ["a", "b", "c"], "a\ufeffb".split() == ["a\ufeffb"].
  it("splits and strips on Python's whitespace set, not JavaScript's", () => {
    expect(pySplit(" a\x1cb\x85c\u3000 ")).toEqual(["a", "b", "c"]);
    expect(pySplit("a\ufeffb")).toEqual(["a\ufeffb"]);
    expect(pyRstrip("x \x1f")).toBe("x");
    expect(removePyWhitespace("a b\tc\u2009d")).toBe("abcd");
  });
});
