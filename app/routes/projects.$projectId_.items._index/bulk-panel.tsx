import { useState } from "react";
import { Button } from "~/components/ui/button";
import { inputClass } from "~/components/ui/field-shell";
import { PostForm } from "~/components/ui/form";
import { goldFormKinds } from "~/modules/items/browse-params";
import type { Question } from "~/modules/questions";

const field = `mt-1 px-2 py-1.5 ${inputClass}`;
const plural = (n: number) => `${n.toLocaleString("en")} item${n === 1 ? "" : "s"}`;

/**
 * Bulk actions on the checked rows (their checkboxes belong to this form) or on every item the
 * filter matches. Export is a plain link (a read), the rest post to the page's action.
 */
export function BulkPanel({
  projectId,
  selected,
  matching,
  search,
  questions,
  mayManage,
  mayExport,
}: {
  projectId: string;
  selected: number[];
  matching: { n: number; capped: boolean } | null;
  search: string;
  questions: Question[];
  mayManage: boolean;
  mayExport: boolean;
}) {
  const [scope, setScope] = useState<"selected" | "all">("selected");
  const count = scope === "all" ? (matching?.n ?? 0) : selected.length;
  const none = count === 0;
  const exportHref = (format: "csv" | "jsonl") => {
    const params = new URLSearchParams({ format, search });
    if (scope === "all") params.set("scope", "all");
    else for (const id of selected) params.append("ids", String(id));
    return `/projects/${projectId}/items/export?${params}`;
  };
  return (
    <PostForm id="bulk" className="mb-4 flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm">
      <input type="hidden" name="search" value={search.replace(/^\?/, "")} />
      <input type="hidden" name="scope" value={scope} />
      <fieldset>
        <legend className="font-medium">Act on</legend>
        <label className="mr-3 inline-flex items-center gap-1.5">
          <input type="radio" name="scopeChoice" checked={scope === "selected"} onChange={() => setScope("selected")} />
          {selected.length.toLocaleString("en")} selected
        </label>
        <label className="inline-flex items-center gap-1.5">
          <input type="radio" name="scopeChoice" checked={scope === "all"} onChange={() => setScope("all")} />
          All {matching ? `${matching.n.toLocaleString("en")}${matching.capped ? "+" : ""}` : ""} matching
        </label>
      </fieldset>
      {mayManage ? (
        <>
          <div className="flex items-end gap-2">
            <label>
              <span className="block font-medium">New priority</span>
              <input name="priority" type="number" min={-1000000} max={1000000} step={1} className={`${field} w-28`} />
            </label>
            <Button name="intent" value="priority" variant="secondary" disabled={none}>
              Set priority
            </Button>
          </div>
          <div className="flex items-end gap-2">
            <label>
              <span className="block font-medium">More answers</span>
              <input name="more" type="number" min={1} max={10} step={1} defaultValue={1} className={`${field} w-20`} />
            </label>
            <Button name="intent" value="requeue" variant="secondary" disabled={none}>
              Send back to the queue
            </Button>
          </div>
          <details className="relative">
            <summary className="inline-flex cursor-pointer list-none rounded-md bg-white px-3 py-2 font-medium ring-1 ring-inset ring-slate-300">Mark as gold…</summary>
            <div className="mt-2 w-96 space-y-3 rounded-md border border-slate-200 bg-white p-3 shadow-lg sm:absolute sm:z-10">
              {questions
                .filter((q) => (goldFormKinds as readonly string[]).includes(q.kind))
                .map((q) => (
                  <GoldField key={q.key} question={q} />
                ))}
              <label className="block">
                <span className="block font-medium">Explanation (shown to reviewers after they answer)</span>
                <textarea name="explanation" rows={3} className={`${field} w-full`} />
              </label>
              <Button name="intent" value="gold" disabled={none}>
                Save gold answer for {plural(count)}
              </Button>
            </div>
          </details>
          <details className="relative">
            <summary className="inline-flex cursor-pointer list-none rounded-md bg-white px-3 py-2 font-medium text-red-700 ring-1 ring-inset ring-red-300">Delete…</summary>
            <div className="mt-2 w-72 rounded-md border border-red-200 bg-red-50 p-3 text-red-900 shadow-lg sm:absolute sm:z-10">
              <p>
                Delete {plural(count)} with their answers, suggestions and consensus? This cannot be undone.
              </p>
              <input type="hidden" name="confirmCount" value={count} />
              <Button name="intent" value="delete" variant="danger" className="mt-3" disabled={none}>
                Yes, delete {plural(count)}
              </Button>
            </div>
          </details>
        </>
      ) : null}
      {mayExport ? (
        <div className="flex gap-2">
          {(["csv", "jsonl"] as const).map((format) =>
            none ? null : (
              <a key={format} href={exportHref(format)} download className="rounded-md bg-white px-3 py-2 font-medium ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
                Export {format.toUpperCase()}
              </a>
            ),
          )}
        </div>
      ) : null}
    </PostForm>
  );
}

function GoldField({ question: q }: { question: Question }) {
  const name = `gold.${q.key}`;
  const label = <span className="block font-medium">{q.text}</span>;
  switch (q.kind) {
    case "rating":
      return (
        <label className="block">
          {label}
          <select name={name} defaultValue="" className={field}>
            <option value="">No answer</option>
            {Array.from({ length: q.max - q.min + 1 }, (_, n) => q.min + n).map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      );
    case "thumbs":
      return (
        <label className="block">
          {label}
          <select name={name} defaultValue="" className={field}>
            <option value="">No answer</option>
            <option value="up">Thumbs up</option>
            <option value="down">Thumbs down</option>
          </select>
        </label>
      );
    case "choice":
    case "flags": {
      const options = q.kind === "choice" ? q.options.map((o) => ({ value: o.value, label: o.label ?? o.value })) : q.options.map((o) => ({ value: o, label: o }));
      const multiple = q.kind === "flags" || q.multiple;
      return (
        <fieldset>
          <legend className="font-medium">{q.text}</legend>
          {options.map((o) => (
            <label key={o.value} className="mr-3 inline-flex items-center gap-1.5">
              <input type={multiple ? "checkbox" : "radio"} name={name} value={o.value} />
              {o.label}
            </label>
          ))}
        </fieldset>
      );
    }
    default:
      return (
        <label className="block">
          {label}
          <textarea name={name} rows={2} className={`${field} w-full`} />
        </label>
      );
  }
}
