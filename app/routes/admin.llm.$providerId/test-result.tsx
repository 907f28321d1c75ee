import type { ConnectionTest } from "~/modules/llm/test-provider.server";

/** What a connection test found: latency and models, or the provider's own error. */
export function TestResult({ result }: { result: ConnectionTest }) {
  if (!result.ok) {
    return (
      <div role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
        <p className="font-medium">The connection failed after {result.latencyMs} ms.</p>
        <p className="mt-1 break-words">
          {result.error?.status ? `${result.error.status}: ` : ""}
          {result.error?.message}
        </p>
      </div>
    );
  }
  return (
    <div role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
      <p className="font-medium">Connected in {result.latencyMs} ms.</p>
      {result.checkedWith === "models" ? (
        <p className="mt-1 break-words">Models: {result.models.length ? result.models.join(", ") : "none listed"}</p>
      ) : (
        <p className="mt-1">The provider has no model list; a 1-token completion answered.</p>
      )}
      {result.missingModels.length ? <p className="mt-1 text-amber-800">Not in the provider&apos;s list: {result.missingModels.join(", ")}</p> : null}
    </div>
  );
}
