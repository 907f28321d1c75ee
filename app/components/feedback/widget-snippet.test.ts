import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { WidgetSnippet } from "./widget-snippet";

describe("the widget snippet on the feedback settings page", () => {
  it("with the whole key just made: the script and frame snippets as text, and a link to the demo", () => {
    const html = renderToStaticMarkup(createElement(WidgetSnippet, { loupeUrl: "https://loupe.example", ingestKey: "lfi_0123abcd_s3cret" }));
    expect(html).toContain("&lt;script src=&quot;https://loupe.example/widget/loupe-feedback.js&quot; data-key=&quot;lfi_0123abcd_s3cret&quot; data-trace-id=&quot;TRACE_ID&quot; async&gt;&lt;/script&gt;");
    expect(html).toContain("https://loupe.example/widget/frame?key=lfi_0123abcd_s3cret");
    expect(html).toContain('href="https://loupe.example/widget/demo?key=lfi_0123abcd_s3cret"');
  });

  it("with only the prefix: a placeholder for the secret and no demo link", () => {
    const html = renderToStaticMarkup(createElement(WidgetSnippet, { loupeUrl: "https://loupe.example", keyPrefix: "lfi_0123abcd" }));
    expect(html).toContain("data-key=&quot;lfi_0123abcd_YOUR_SECRET&quot;");
    expect(html).not.toContain("href=");
  });
});
