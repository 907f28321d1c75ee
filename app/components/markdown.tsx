import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

// Model output is untrusted. Safety rests on three choices, see docs/decisions/0007:
// no rehype-raw (HTML is never parsed into elements), a urlTransform that keeps only absolute
// http(s)/mailto URLs, and an <img> replacement that shows the image as text.

const safeProtocols = new Set(["http:", "https:", "mailto:"]);

// why: parse the way the browser will (it strips tabs/newlines and leading spaces and lowercases
// the scheme), so `JAVA\tSCRIPT:` or ` javascript:` cannot slip past a prefix check. Relative
// URLs are refused too: they would point into Loupe itself.
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return safeProtocols.has(parsed.protocol) ? parsed.href : "";
  } catch {
    return "";
  }
}

const phrasingParents = new Set([
  "paragraph",
  "heading",
  "emphasis",
  "strong",
  "delete",
  "link",
  "linkReference",
  "tableCell",
]);

// why: a reviewer must SEE that the model emitted HTML (a <script>, a hidden <!-- comment -->),
// so HTML becomes code showing its source instead of being dropped or interpreted.
// (A minimal mdast shape: the hoisted @types/mdast is an older major pulled in by Remix's MDX.)
type MdastNode = { type: string; value?: string; lang?: string; children?: MdastNode[] };

function remarkHtmlAsCode() {
  const visit = (parent: MdastNode) => {
    parent.children = parent.children?.map((child) => {
      if (child.type === "html") {
        return phrasingParents.has(parent.type)
          ? { type: "inlineCode", value: child.value }
          : { type: "code", lang: "html", value: child.value };
      }
      visit(child);
      return child;
    });
  };
  return visit;
}

const components: Components = {
  a: ({ href, title, children }) =>
    href ? (
      <a
        href={href}
        title={title}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="text-sky-700 underline hover:text-sky-900"
      >
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // why: a remote image would leak that the item was opened (and any data in its URL) to its host.
  img: ({ alt, src }) => (
    <span className="text-slate-500">
      [image: {alt || "no description"}]{src ? ` ${src}` : ""}
    </span>
  ),
  h1: ({ children }) => <h3 className="mb-2 mt-4 text-lg font-semibold">{children}</h3>,
  h2: ({ children }) => <h4 className="mb-2 mt-4 text-base font-semibold">{children}</h4>,
  h3: ({ children }) => <h5 className="mb-2 mt-3 text-sm font-semibold">{children}</h5>,
  h4: ({ children }) => <h6 className="mb-1 mt-3 text-sm font-semibold">{children}</h6>,
  h5: ({ children }) => <h6 className="mb-1 mt-3 text-sm font-medium">{children}</h6>,
  h6: ({ children }) => <h6 className="mb-1 mt-3 text-sm font-medium text-slate-600">{children}</h6>,
  p: ({ children }) => <p className="my-2">{children}</p>,
  ul: ({ children }) => <ul className="my-2 list-disc pl-6">{children}</ul>,
  ol: ({ children, start }) => (
    <ol start={start} className="my-2 list-decimal pl-6">
      {children}
    </ol>
  ),
  li: ({ children }) => <li className="my-0.5">{children}</li>,
  blockquote: ({ children }) => (
    <blockquote className="my-2 border-l-4 border-slate-300 pl-3 text-slate-700">{children}</blockquote>
  ),
  pre: ({ children }) => (
    <pre className="my-2 overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-100 [&>code]:bg-transparent [&>code]:p-0 [&>code]:text-inherit">
      {children}
    </pre>
  ),
  code: ({ children, className }) => (
    <code className={`rounded bg-slate-100 px-1 font-mono text-[0.9em] ${className ?? ""}`.trim()}>{children}</code>
  ),
  table: ({ children }) => (
    <div className="my-2 overflow-x-auto">
      <table className="min-w-full border-collapse text-sm">{children}</table>
    </div>
  ),
  th: ({ children, style }) => (
    <th style={style} className="border border-slate-300 bg-slate-50 px-2 py-1 text-left font-semibold">
      {children}
    </th>
  ),
  td: ({ children, style }) => (
    <td style={style} className="border border-slate-300 px-2 py-1 align-top">
      {children}
    </td>
  ),
  hr: () => <hr className="my-4 border-slate-200" />,
};

/** Untrusted markdown (model output) rendered inert: no HTML, only http(s)/mailto links, no images. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={`break-words text-sm leading-relaxed text-slate-900 ${className ?? ""}`.trim()}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkHtmlAsCode]}
        urlTransform={safeUrl}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}

/** The exact text the model produced, for the "show raw" toggle. */
export function RawText({ text, breakAnywhere = false, className }: { text: string; breakAnywhere?: boolean; className?: string }) {
  // why: break-all lays a long unbroken run out in linear time; break-words (overflow-wrap) first
  // tries to keep the run whole, which for a 200,000-character token takes Chromium seconds.
  return <pre className={`whitespace-pre-wrap font-mono text-sm text-slate-900 ${breakAnywhere ? "break-all" : "break-words"} ${className ?? ""}`.trim()}>{text}</pre>;
}
