import { describe, expect, it } from "vitest";
import { filterFromSearch, highlightRanges, searchOfFilter, searchTerms, splitByRanges } from "./inbox-filter";

describe("inbox filters and highlighting", () => {
  it("reads the filters from a URL, drops empty and malformed ones, and writes them back", () => {
    const filter = filterFromSearch(new URLSearchParams("q=slow%20answers&score=up&segment=&from=2026-13&theme=not-a-uuid&coded=me&open=5"));
    expect(filter).toEqual({ q: "slow answers", score: "up", coded: "me" });
    expect(searchOfFilter(filter, { open: 5, after: undefined }).toString()).toBe("q=slow+answers&score=up&coded=me&open=5");
  });

  it("marks search words, their stems and one-typo forms, but not excluded words", () => {
    const text = "Suggestions were slow; the suggestion box lagged. Sugestion spelled wrong. Fast!";
    const marked = (q: string) => highlightRanges(text, q).map(([s, e]) => text.slice(s, e));
    expect(marked("suggestion")).toEqual(["Suggestions", "suggestion", "Sugestion"]);
    expect(marked('"slow" -fast')).toEqual(["slow"]);
    expect(searchTerms("a OR b -c")).toEqual(["a", "b"]);
    expect(marked("")).toEqual([]);
  });

  it("cuts text into plain and marked pieces, clipping ranges to the text", () => {
    expect(
      splitByRanges("<b>hi</b> there", [
        [3, 5],
        [10, 99],
      ])
    ).toEqual([
      { text: "<b>", marked: false },
      { text: "hi", marked: true },
      { text: "</b> ", marked: false },
      { text: "there", marked: true },
    ]);
  });
});
