import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { demoHtml, embedSnippet, escapeHtml, frameHtml, frameSnippet } from "./widget-pages";

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

describe("the widget's pages and snippets", () => {
  it("escapes everything that reaches HTML", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("the frame page carries hostile query values as attribute text: one script, Loupe's own, no inline script or style", () => {
    const html = frameHtml({ key: "lfi_0123abcd_secret", traceId: hostile, lang: hostile, segment: hostile });
    const { document } = parseHTML(html);
    const scripts = [...document.querySelectorAll("script")];
    expect(scripts.map((s) => s.getAttribute("src"))).toEqual(["/widget/loupe-feedback.js"]);
    expect(scripts[0]!.textContent).toBe("");
    expect(document.querySelectorAll("img, style, [style], [onerror]")).toHaveLength(0);
    const target = document.querySelector("[data-loupe-feedback]")!;
    expect(target.getAttribute("data-trace-id")).toBe(hostile);
    expect(target.getAttribute("data-segment")).toBe(hostile);
    expect(target.getAttribute("data-transport")).toBe("frame");
    // An odd language falls back to English for the page itself.
    expect(document.documentElement.getAttribute("lang")).toBe("en");
    expect(frameHtml({ key: "k", lang: "de-CH" })).toContain('<html lang="de-CH">');
  });

  it("the embed snippet is the script tag the README shows, with the key, trace id and language", () => {
    expect(embedSnippet({ loupeUrl: "https://loupe.example/", key: "lfi_0123abcd_secret", traceId: "t-1", lang: "de" })).toBe(
      '<script src="https://loupe.example/widget/loupe-feedback.js" data-key="lfi_0123abcd_secret" data-trace-id="t-1" data-lang="de" async></script>',
    );
    expect(frameSnippet({ loupeUrl: "https://loupe.example", key: "lfi_0123abcd_s&x" })).toBe(
      '<iframe src="https://loupe.example/widget/frame?key=lfi_0123abcd_s%26x&amp;traceId=TRACE_ID" title="Feedback" width="420" height="190"></iframe>',
    );
  });

  it("the demo page shows the widget under an answer and the snippet as text", () => {
    const { document } = parseHTML(demoHtml({ loupeUrl: "https://loupe.example", key: `lfi_0123abcd_${hostile}` }));
    expect(document.querySelectorAll("script")).toHaveLength(1);
    expect(document.querySelectorAll("img, style, [style]")).toHaveLength(0);
    expect(document.querySelector("[data-loupe-feedback]")!.getAttribute("data-transport")).toBe("demo");
    expect(document.querySelector("pre code")!.textContent).toContain('<script src="https://loupe.example/widget/loupe-feedback.js" data-key="lfi_0123abcd_');
  });
});
