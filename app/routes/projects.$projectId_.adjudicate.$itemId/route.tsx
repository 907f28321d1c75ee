import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { PageHeader } from "~/components/page-header";
import { ItemInput } from "~/components/review/item-input";
import { OutputPanels } from "~/components/review/output-panels";
import { db } from "~/db.server";
import { getProject } from "~/modules/projects/queries.server";
import { adjudicate, adjudicationTarget, clearAdjudication } from "~/modules/resolution/adjudicate.server";
import { readFinalAnswer } from "~/modules/resolution/final-answer-form";
import { disagreementFilterSchema, filterQuery, toDisagreementFilter } from "~/modules/resolution/disagreement-filter";
import { getAdjudicationItem, nextDisagreement } from "~/modules/resolution/queries.server";
import { ValidationError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { parseOrThrow } from "~/utils/validation";
import { QuestionCard } from "./question-card";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Adjudicate item ${data.item.id} · Loupe` : "Adjudicate · Loupe" }];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const itemId = Number(params.itemId);
  const item = await getAdjudicationItem(db, actor, project.id, itemId);
  // why: the list's filter rides along in the URL, so "next" stays inside what the manager chose.
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = disagreementFilterSchema.safeParse(search);
  const { show: _show, after: _after, ...filter } = toDisagreementFilter(parsed.success ? parsed.data : {});
  const next = await nextDisagreement(db, actor, project.id, itemId, filter);
  return { project, ...item, next, query: filterQuery(search) };
});

const formSchema = z.object({
  intent: z.enum(["pick", "write", "clear"], { error: "Unknown action." }),
  questionKey: z.string({ error: "Choose a question." }).min(1, { error: "Choose a question." }),
  annotationId: z.string().optional(),
});

export const action = formAction(
  async ({ actor, form, params }) => {
    const itemId = Number(params.itemId);
    const target = form.text("questionKey");
    const { intent, questionKey, annotationId } = parseOrThrow(formSchema, form.pick("intent", "questionKey", "annotationId"));
    if (intent === "clear") {
      await clearAdjudication(db, actor, { itemId, questionKey });
      return { target, notice: "Adjudication cleared; the votes decide again." };
    }
    if (intent === "pick") {
      if (!annotationId) throw new ValidationError("Choose an answer.", [{ field: "annotationId", message: "Choose an answer." }]);
      await adjudicate(db, actor, { itemId, questionKey, fromAnnotationId: annotationId });
    } else {
      const { question } = await adjudicationTarget(db, actor, itemId, questionKey);
      await adjudicate(db, actor, { itemId, questionKey, value: readFinalAnswer(question, form.data) });
    }
    return { target, notice: "Final answer saved." };
  },
  { extra: (form) => ({ target: form.text("questionKey") }) },
);

export default function AdjudicateItem() {
  const { project, item, questions, answers, resolutions, next, query } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader
        title={`Adjudicate item ${item.id}`}
        description={
          <Link to={`/projects/${project.id}/adjudicate${query}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to the disagreements of {project.name}
          </Link>
        }
        actions={
          next !== null ? (
            <Link
              to={`/projects/${project.id}/adjudicate/${next}${query}`}
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              Next disagreement →
            </Link>
          ) : (
            <p className="text-sm text-slate-600">No other disagreement is left{query ? " under this filter" : ""}.</p>
          )
        }
      />
      <div className="space-y-4">
        <ItemInput input={item.input} />
        <OutputPanels outputs={item.outputs} order={item.outputs.map((_, i) => i)} />
      </div>
      {questions.map((q) => (
        <QuestionCard
          key={q.key}
          question={q}
          outputs={item.outputs}
          answers={answers.map((a) => ({ id: a.id, reviewer: a.reviewer, value: a.values[q.key] }))}
          resolution={resolutions[q.key] ?? null}
          result={result && "target" in result && result.target === q.key ? result : null}
        />
      ))}
    </div>
  );
}
