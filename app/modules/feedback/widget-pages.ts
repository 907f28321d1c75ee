/**
 * The feedback widget's HTML: the embed snippet, the frame page and the demo page. Every value is
 * escaped here (keys, trace ids and languages come from query strings); nothing is inline script or
 * inline style, so each page works under Loupe's own strict Content-Security-Policy.
 */

export const WIDGET_SCRIPT_PATH = "/widget/loupe-feedback.js";
export const WIDGET_STYLESHEET_PATH = "/widget/loupe-widget.css";

/** Text made safe for HTML text and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** What a page may say about the output the feedback is about, as the widget's data-* attributes read it. */
export type WidgetAttributes = {
  key: string;
  traceId?: string | null;
  externalId?: string | null;
  lang?: string | null;
  userId?: string | null;
  segment?: string | null;
  model?: string | null;
  promptVersion?: string | null;
  transport?: "frame" | "demo";
};

const ATTRIBUTE_NAMES: Record<keyof WidgetAttributes, string> = {
  key: "data-key",
  traceId: "data-trace-id",
  externalId: "data-external-id",
  lang: "data-lang",
  userId: "data-user-id",
  segment: "data-segment",
  model: "data-model",
  promptVersion: "data-prompt-version",
  transport: "data-transport",
};

function attributes(values: WidgetAttributes): string {
  return (Object.keys(ATTRIBUTE_NAMES) as (keyof WidgetAttributes)[])
    .filter((name) => typeof values[name] === "string" && values[name] !== "")
    .map((name) => ` ${ATTRIBUTE_NAMES[name]}="${escapeHtml(String(values[name]).slice(0, 200))}"`)
    .join("");
}

/** The `<script>` tag a product page embeds (the key stands for the whole ingest key, or its prefix as a placeholder). */
export function embedSnippet(input: { loupeUrl: string; key: string; traceId?: string; lang?: string }): string {
  const base = input.loupeUrl.replace(/\/+$/, "");
  return `<script src="${escapeHtml(base + WIDGET_SCRIPT_PATH)}"${attributes({ key: input.key, traceId: input.traceId ?? "TRACE_ID", lang: input.lang })} async></script>`;
}

/** The snippet for pages that may not load a foreign script: an iframe of Loupe's frame page. */
export function frameSnippet(input: { loupeUrl: string; key: string; traceId?: string; lang?: string }): string {
  const url = new URL("/widget/frame", input.loupeUrl);
  url.searchParams.set("key", input.key);
  url.searchParams.set("traceId", input.traceId ?? "TRACE_ID");
  if (input.lang) url.searchParams.set("lang", input.lang);
  return `<iframe src="${escapeHtml(url.toString())}" title="Feedback" width="420" height="190"></iframe>`;
}

function page(input: { lang: string; title: string; body: string }): string {
  return `<!doctype html>
<html lang="${escapeHtml(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" href="${WIDGET_STYLESHEET_PATH}">
</head>
<body>
${input.body}
<script src="${WIDGET_SCRIPT_PATH}"></script>
</body>
</html>
`;
}

/** The frame page: the widget alone, posting through Loupe's own /widget/frame (same origin). */
export function frameHtml(values: Omit<WidgetAttributes, "transport">): string {
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(values.lang ?? "") ? values.lang! : "en";
  return page({ lang, title: "Feedback", body: `<div class="loupe-frame" data-loupe-feedback${attributes({ ...values, transport: "frame" })}></div>` });
}

/** A page explaining what went wrong with a frame or demo request, in plain words. */
export function problemHtml(message: string): string {
  return page({ lang: "en", title: "Feedback", body: `<p class="loupe-problem">${escapeHtml(message)}</p>` });
}

/** The demo page: the widget under a made-up product answer, and the snippets to copy. */
export function demoHtml(input: { loupeUrl: string; key: string; lang?: string | null }): string {
  const traceId = "loupe-demo";
  const snippet = embedSnippet({ loupeUrl: input.loupeUrl, key: input.key, traceId: "TRACE_ID", lang: input.lang ?? undefined });
  const frame = frameSnippet({ loupeUrl: input.loupeUrl, key: input.key, lang: input.lang ?? undefined });
  const body = `<main class="loupe-demo">
<h1>Feedback widget demo</h1>
<p class="loupe-demo-note">This page shows the widget as your users will see it. What you send here is real feedback: it lands in the project's inbox with the segment “demo”.</p>
<article class="loupe-demo-answer" aria-label="Example answer">
<p class="loupe-demo-prompt"><strong>Question:</strong> How do I reset my password?</p>
<p><strong>Assistant:</strong> Open <em>Settings → Security</em>, choose <em>Reset password</em> and follow the link we email you. The link works for one hour.</p>
<div data-loupe-feedback${attributes({ key: input.key, traceId, lang: input.lang, segment: "demo", transport: "demo" })}></div>
</article>
<h2>Embed it on your pages</h2>
<p>Put this where the widget should appear, with the id of the output the feedback is about as the trace id. Add your page's origin to the ingest key's allowed origins first.</p>
<pre><code>${escapeHtml(snippet)}</code></pre>
<p>Single-page apps call <code>LoupeFeedback.mount(element, { key, traceId, lang })</code> after loading the script.</p>
<p>Pages that cannot load a foreign script can show it in a frame instead (their Content-Security-Policy needs <code>frame-src</code> for Loupe):</p>
<pre><code>${escapeHtml(frame)}</code></pre>
</main>`;
  return page({ lang: "en", title: "Feedback widget demo", body });
}
