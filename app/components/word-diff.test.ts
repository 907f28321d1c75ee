import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { WordDiff, wordDiff } from "./word-diff";

describe("wordDiff", () => {
  it("reports the words added and removed and the parts in order", () => {
    expect(wordDiff("The cat sat on the mat.", "The dog sat on the red mat.")).toEqual({
      added: 2,
      removed: 1,
      parts: [
        { value: "The " },
        { value: "cat", removed: true },
        { value: "dog", added: true },
        { value: " sat on the " },
        { value: "red ", added: true },
        { value: "mat." },
      ],
    });
  });

  it("finds no change in identical texts", () => {
    expect(wordDiff("same text", "same text")).toEqual({ added: 0, removed: 0, parts: [{ value: "same text" }] });
  });

  it("counts every word when the text is emptied or written from nothing", () => {
    expect(wordDiff("three little words", "")).toMatchObject({ added: 0, removed: 3 });
    expect(wordDiff("", "two words")).toMatchObject({ added: 2, removed: 0 });
  });

  it("rebuilds both texts from its parts", () => {
    const before = "Paris is the capital of Germany.\nIt has 2 million people.";
    const after = "Paris is the capital of France.\n\nIt has about 2.1 million people.";
    const { parts } = wordDiff(before, after);
    expect(parts.filter((p) => !p.added).map((p) => p.value).join("")).toBe(before);
    expect(parts.filter((p) => !p.removed).map((p) => p.value).join("")).toBe(after);
  });
});

describe("WordDiff", () => {
  const render = (mode: "inline" | "side-by-side") =>
    renderToStaticMarkup(createElement(WordDiff, { before: "The cat sat.", after: "The dog sat.", mode }));

  it("marks removed and added words inline, labelled for screen readers", () => {
    const html = render("inline");
    expect(html).toContain('<del class="bg-red-50 text-red-800 decoration-red-600"><span class="sr-only">removed: </span>cat</del>');
    expect(html).toContain('<ins class="bg-emerald-50 text-emerald-800 no-underline"><span class="sr-only">added: </span>dog</ins>');
    expect(html.indexOf("<del")).toBeLessThan(html.indexOf("<ins"));
    expect(html).toContain("<span>The </span>");
  });

  it("shows the original with deletions and the correction with insertions side by side", () => {
    const html = render("side-by-side");
    const [original, corrected] = html.split("</figure>");
    expect(original).toContain("Original</figcaption>");
    expect(original).toContain("removed: </span>cat</del>");
    expect(original).not.toContain("<ins");
    expect(corrected).toContain("Corrected</figcaption>");
    expect(corrected).toContain("added: </span>dog</ins>");
    expect(corrected).not.toContain("<del");
  });

  it("escapes HTML in the texts it compares", () => {
    const html = renderToStaticMarkup(
      createElement(WordDiff, { before: "ok", after: "ok <img src=x onerror=alert(1)>", mode: "inline" }),
    );
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img");
  });
});
