import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { inputClass } from "~/components/ui/field-shell";
import { db } from "~/db.server";
import { getProject } from "~/modules/projects/queries.server";
import { disagreementFilterSchema, filterQuery, toDisagreementFilter } from "~/modules/resolution/disagreement-filter";
import { consensusQuestions, listDisagreements } from "~/modules/resolution/queries.server";
import { issuesOf } from "~/utils/validation";
import { pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Adjudicate · ${data.project.name} · Loupe` : "Adjudicate · Loupe" }];

export const loader = pageLoader(async ({ actor, request, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = disagreementFilterSchema.safeParse(search);
  const list = await listDisagreements(db, actor, project.id, toDisagreementFilter(parsed.success ? parsed.data : {}));
  return { project, list, questions: (await consensusQuestions(db, project.id)).map((q) => ({ key: q.key, text: q.text, kind: q.kind })), search, errors: parsed.success ? [] : issuesOf(parsed.error) };
});

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);

export default function AdjudicateList() {
  const { project, list, questions, search, errors } = useLoaderData<typeof loader>();
  const next = list.next ? `?${new URLSearchParams({ ...search, after: String(list.next) })}` : null;
  const adjudicated = search.show === "adjudicated";
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title={adjudicated ? "Adjudicated items" : "Disagreements"}
        description={
          <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {project.name}
          </Link>
        }
      />
      <Form method="get" className="mb-6 flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <label className="text-sm">
          <span className="block font-medium">Question</span>
          <select name="question" defaultValue={search.question ?? ""} className={`mt-1 px-2 py-1.5 ${inputClass}`}>
            <option value="">Any question</option>
            {questions.map((q) => (
              <option key={q.key} value={q.key}>
                {q.text} ({q.kind})
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">Rating spread at least</span>
          <input name="minSpread" type="number" min={0} step={1} defaultValue={search.minSpread ?? ""} className={`mt-1 w-28 px-2 py-1.5 ${inputClass}`} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Top answer's share at most (%)</span>
          <input name="maxAgreement" type="number" min={0} max={100} defaultValue={search.maxAgreement ?? ""} className={`mt-1 w-28 px-2 py-1.5 ${inputClass}`} />
        </label>
        <label className="text-sm">
          <span className="block font-medium">Show</span>
          <select name="show" defaultValue={search.show ?? "open"} className={`mt-1 px-2 py-1.5 ${inputClass}`}>
            <option value="open">Open disagreements</option>
            <option value="adjudicated">Adjudicated</option>
          </select>
        </label>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </Form>
      {errors.length ? (
        <div className="mb-4">
          <Alert tone="error">{errors.map((e) => `${e.field}: ${e.message}`).join(" ")}</Alert>
        </div>
      ) : null}
      {list.rows.length === 0 ? (
        <EmptyState title={adjudicated ? "Nothing adjudicated yet" : "No disagreements"}>
          {adjudicated ? "Items a manager settled appear here." : "Every answered item agrees (or nothing matches the filter). New answers appear here as they disagree."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                {["Item", "Prompt", "Questions in disagreement"].map((h) => (
                  <th key={h} scope="col" className="px-4 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.rows.map((row) => (
                <tr key={row.itemId} className="border-b border-slate-100 align-top">
                  <th scope="row" className="px-4 py-2 text-left font-medium">
                    <Link to={`/projects/${project.id}/adjudicate/${row.itemId}${filterQuery(search)}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                      Item {row.itemId}
                    </Link>
                  </th>
                  <td className="max-w-md break-words px-4 py-2">{row.prompt}</td>
                  <td className="px-4 py-2">
                    <ul>
                      {row.questions.map((q) => (
                        <li key={q.question}>
                          <span className="font-medium">{q.question}</span>: {q.status}, agreement {pct(q.agreement)}
                          {q.spread !== null ? `, spread ${q.spread}` : ""} · {q.answers} answers
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <p className="mt-4">
          <Link to={next} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            Next page →
          </Link>
        </p>
      ) : null}
    </div>
  );
}
