import { embedSnippet, frameSnippet } from "~/modules/feedback/widget-pages";

/**
 * The feedback widget's embed snippets for an ingest key, for the manager's feedback settings.
 * `ingestKey` is the whole key right after it was made (shown once; the demo link needs it), or
 * else its prefix, which the snippet shows with a placeholder for the secret.
 */
export function WidgetSnippet({ loupeUrl, ingestKey, keyPrefix }: { loupeUrl: string; ingestKey?: string; keyPrefix?: string }) {
  const key = ingestKey ?? `${keyPrefix ?? "lfi_xxxxxxxx"}_YOUR_SECRET`;
  const demo = ingestKey ? `${loupeUrl.replace(/\/+$/, "")}/widget/demo?key=${encodeURIComponent(ingestKey)}` : null;
  return (
    <section aria-labelledby="widget-snippet-heading" className="space-y-3">
      <h3 id="widget-snippet-heading" className="text-sm font-semibold text-gray-900">
        Feedback widget
      </h3>
      <p className="text-sm text-gray-600">
        Put this on the page that shows the model&apos;s answer, with the answer&apos;s trace id. The page&apos;s origin must be one of the key&apos;s allowed origins.
      </p>
      <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-gray-100 p-3 text-xs text-gray-900">
        <code>{embedSnippet({ loupeUrl, key, traceId: "TRACE_ID" })}</code>
      </pre>
      <p className="text-sm text-gray-600">Pages that may not load a foreign script can show it in a frame:</p>
      <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-gray-100 p-3 text-xs text-gray-900">
        <code>{frameSnippet({ loupeUrl, key, traceId: "TRACE_ID" })}</code>
      </pre>
      {demo ? (
        <p className="text-sm">
          <a href={demo} target="_blank" rel="noreferrer" className="font-medium text-indigo-700 underline hover:text-indigo-600">
            Try it on the demo page
          </a>
        </p>
      ) : (
        <p className="text-sm text-gray-600">
          To try it, open <code>/widget/demo?key=</code> followed by the whole key.
        </p>
      )}
    </section>
  );
}
