import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { DateTime } from "~/components/date-time";
import { Markdown } from "~/components/markdown";
import { PageHeader } from "~/components/page-header";
import { ItemInput } from "~/components/review/item-input";
import { MetadataPanel } from "~/components/review/metadata-panel";
import { ReferencePanel } from "~/components/review/output-panels";
import { db } from "~/db.server";
import { readBrowseParams } from "~/modules/items/browse-params";
import { getItemDetail } from "~/modules/items/item-detail.server";
import { kindOf, type Question } from "~/modules/questions";
import { getProject } from "~/modules/projects/queries.server";
import { pageLoader } from "~/utils/route.server";
import { NotFoundError } from "~/utils/errors";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Item ${data.detail.item.id} · ${data.project.name} · Loupe` : "Item · Loupe" }];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const itemId = Number(params.itemId);
  if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new NotFoundError("No such item in this project.");
  const browse = readBrowseParams(new URL(request.url).searchParams);
  const detail = await getItemDetail(db, actor, project.id, itemId, { query: browse.query, filter: browse.filter });
  return { project, detail };
});

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="mb-2 text-sm font-semibold text-slate-800">{title}</h2>
      {children}
    </section>
  );
}

const describe = (questions: Question[], key: string, value: unknown) => {
  const q = questions.find((x) => x.key === key);
  return q ? kindOf(q).describeAnswer(q, value) : JSON.stringify(value);
};
const questionText = (questions: Question[], key: string) => questions.find((q) => q.key === key)?.text ?? key;
const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);

export default function ItemDetail() {
  const { project, detail } = useLoaderData<typeof loader>();
  const { item, questions, answers, suggestions, resolutions, history, neighbours } = detail;
  const { search } = useLocation();
  const base = `/projects/${project.id}/items`;
  return (
    <div className="mx-auto max-w-6xl space-y-4">
      <PageHeader
        title={`Item ${item.id}${item.externalId ? ` · ${item.externalId}` : ""}`}
        description={
          <span className="flex flex-wrap gap-4">
            <Link to={`${base}${search}`} className="text-indigo-700 hover:underline">
              ← Back to items
            </Link>
            <span>
              Status <strong>{item.status}</strong> · priority {item.priority} · {item.submittedCount} / {item.overlap} answers · source {item.source}
            </span>
          </span>
        }
        actions={
          <>
            {neighbours.prev ? (
              <Link to={`${base}/${neighbours.prev}${search}`} className="rounded-md px-3 py-2 text-sm ring-1 ring-slate-300">
                ← Previous item
              </Link>
            ) : null}
            {neighbours.next ? (
              <Link to={`${base}/${neighbours.next}${search}`} className="rounded-md px-3 py-2 text-sm ring-1 ring-slate-300">
                Next item →
              </Link>
            ) : null}
            {detail.mayAdjudicate ? (
              <Link to={`/projects/${project.id}/adjudicate/${item.id}`} className="rounded-md px-3 py-2 text-sm ring-1 ring-slate-300">
                Adjudicate
              </Link>
            ) : null}
          </>
        }
      />
      <ItemInput input={item.input} />
      <Card title="Outputs">
        {item.outputs.length ? (
          <ol className="space-y-3">
            {item.outputs.map((o, n) => (
              <li key={n}>
                <p className="text-xs font-semibold uppercase text-slate-500">
                  Output {n + 1}
                  {o.model ? ` · ${o.model}` : ""}
                </p>
                <div className="max-h-96 overflow-auto">
                  <Markdown text={o.text} />
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-sm text-slate-600">No output: the item is reviewed on its input.</p>
        )}
      </Card>
      {item.reference ? <ReferencePanel text={item.reference} /> : null}
      <MetadataPanel metadata={item.metadata} externalId={item.externalId} itemId={item.id} />
      {item.gold ? (
        <Card title="Gold answer">
          <ul className="text-sm">
            {Object.entries(item.gold).map(([key, value]) => (
              <li key={key}>
                {questionText(questions, key)}: <strong>{describe(questions, key, value)}</strong>
              </li>
            ))}
          </ul>
          {item.goldExplanation ? <p className="mt-2 whitespace-pre-wrap text-sm text-slate-700">{item.goldExplanation}</p> : null}
        </Card>
      ) : null}
      <Card title="Answers">
        {!detail.mayReadAnswers ? (
          <p className="text-sm text-slate-600">Only managers and engineers see reviewers' answers.</p>
        ) : answers.length === 0 ? (
          <p className="text-sm text-slate-600">No answers yet.</p>
        ) : (
          <table className="min-w-full text-sm">
            <thead>
              <tr className="text-left text-slate-600">
                <th className="py-1 pr-4 font-medium">Reviewer</th>
                <th className="py-1 pr-4 font-medium">Status</th>
                <th className="py-1 pr-4 font-medium">Answer</th>
                <th className="py-1 font-medium">When</th>
              </tr>
            </thead>
            <tbody>
              {answers.map((a) => (
                <tr key={a.id} className="border-t border-slate-100 align-top">
                  <td className="py-1 pr-4">{a.reviewer?.label ?? "unknown"}</td>
                  <td className="py-1 pr-4">
                    {a.status}
                    {a.version > 1 ? ` (v${a.version})` : ""}
                  </td>
                  <td className="py-1 pr-4">
                    <ul>
                      {Object.entries(a.values).map(([key, value]) => (
                        <li key={key} className="whitespace-pre-wrap break-words">
                          {questionText(questions, key)}: {describe(questions, key, value)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="py-1">{a.submittedAt ? <DateTime value={a.submittedAt} withTime /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Suggestions">
        {suggestions.length === 0 ? (
          <p className="text-sm text-slate-600">No suggestions.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {suggestions.map((s) => (
              <li key={s.id}>
                {questionText(questions, s.questionKey)}: <strong>{describe(questions, s.questionKey, s.value)}</strong> — {s.source}
                {s.confidence !== null ? `, confidence ${pct(s.confidence)}` : ""}
                {s.rationale ? <span className="block whitespace-pre-wrap text-slate-600">{s.rationale}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Consensus">
        {resolutions.length === 0 ? (
          <p className="text-sm text-slate-600">No consensus yet.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {resolutions.map((r) => (
              <li key={r.questionKey}>
                {questionText(questions, r.questionKey)}: <strong>{r.status === "resolved" ? describe(questions, r.questionKey, r.value) : "unresolved"}</strong> ({r.method}, agreement {pct(r.agreement)},{" "}
                {r.annotationCount} answers{r.adjudicatedBy ? `, by ${r.adjudicatedBy.label}` : ""})
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="History">
        <ol className="space-y-1 text-sm">
          {history.map((h, n) => (
            <li key={n} className="flex flex-wrap gap-2">
              <span className="text-slate-500">
                <DateTime value={h.at} withTime />
              </span>
              <strong>{h.what}</strong>
              {h.who ? <span>by {h.who.label}</span> : null}
              {h.detail ? <span className="break-all text-slate-600">{h.detail}</span> : null}
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
