import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { createQuoteSet, listQuoteSets } from "~/modules/research/quotes.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data ? `Quote sets · ${data.project.name} · Loupe` : "Quote sets · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  return {
    project,
    sets: await listQuoteSets(db, actor, project.id),
    canEdit: can({ isAdmin: actor.isAdmin, role: project.role }, "feedback.code"),
  };
});

export const action = formAction(async ({ actor, form, params }) => {
  const set = await createQuoteSet(db, actor, params.projectId ?? "", {
    name: form.text("name"),
    description: form.text("description"),
  });
  return redirect(`/projects/${params.projectId}/feedback/quotes/${set.id}`);
});

export default function QuoteSets() {
  const { project, sets, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title="Quote sets"
        description={
          <>
            <Link to={`/projects/${project.id}/feedback`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {project.name} feedback
            </Link>{" "}
            · collections of comments for a report, shared with everyone on the project who reads feedback.
          </>
        }
      />
      <FeedbackNav role={project.role} />
      {sets.length === 0 ? <p className="text-sm text-slate-500">No quote sets yet.</p> : null}
      <ul className="space-y-2">
        {sets.map((s) => (
          <li key={s.id} className="rounded-md border border-slate-200 bg-white p-3">
            <Link to={s.id} className="font-medium text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {s.name}
            </Link>{" "}
            <span className="text-sm text-slate-500">
              · {s.quotes} quote{s.quotes === 1 ? "" : "s"}
            </span>
            {s.description ? <p className="text-sm text-slate-600">{s.description}</p> : null}
          </li>
        ))}
      </ul>
      {canEdit ? (
        <Section title="New quote set">
          <PostForm className="max-w-md space-y-3">
            <Field label="Name" name="name" required error={errors.name} />
            <TextareaField label="Description" name="description" error={errors.description} />
            <Button>Create quote set</Button>
          </PostForm>
        </Section>
      ) : null}
    </div>
  );
}
