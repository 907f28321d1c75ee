import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import {
  createCodingSample,
  eligibleCoders,
  listCodingSamples,
} from "~/modules/research/samples.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Coding samples · ${data.project.name} · Loupe`
      : "Coding samples · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const samples = await listCodingSamples(db, actor, project.id);
  const mayCreate = can(
    { isAdmin: actor.isAdmin, role: project.role },
    "feedback.code"
  );
  return {
    project,
    samples,
    mayCreate,
    coders: mayCreate ? await eligibleCoders(db, project.id) : [],
  };
});

const fields = [
  "name",
  "size",
  "seed",
  "source",
  "from",
  "to",
  "scoreKind",
  "score",
] as const;

export const action = formAction(
  async ({ actor, form, params }) => {
    const projectId = params.projectId ?? "";
    const score = form.optional("score");
    const created = await createCodingSample(db, actor, projectId, {
      name: form.text("name"),
      size: form.text("size") as unknown as number,
      seed: form.optional("seed") as unknown as number | undefined,
      coderIds: form.all("coderIds"),
      filter: {
        source: form.optional("source") as "end_user" | "reviewer" | undefined,
        from: form.optional("from"),
        to: form.optional("to"),
        scoreKind: form.optional("scoreKind") as "thumbs" | "stars" | undefined,
        score: score as unknown as number | undefined,
        uncodedOnly: form.checked("uncodedOnly"),
      },
    });
    return redirect(`/projects/${projectId}/feedback/samples/${created.id}`);
  },
  { extra: (form) => ({ values: form.pick(...fields) }) }
);

export default function CodingSamplesPage() {
  const { project, samples, mayCreate, coders } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> =
    (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  const values: Partial<Record<(typeof fields)[number], string>> =
    (result && "values" in result ? result.values : undefined) ?? {};
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Coding samples"
        description={
          <>
            <Link
              to={`/projects/${project.id}/feedback`}
              className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
            >
              {project.name} · feedback
            </Link>{" "}
            · two or more researchers code the same comments blind, then Loupe
            reports how far they agree per theme, so a codebook is checked
            before it is trusted.
          </>
        }
      />
      <FeedbackNav role={project.role} />
      {result && "formError" in result && result.formError ? (
        <Alert tone="error">{result.formError}</Alert>
      ) : null}
      <Section title="Samples">
        {samples.length === 0 ? (
          <p className="text-sm text-slate-600">No sample yet.</p>
        ) : (
          <table className="w-full text-sm" data-table="samples">
            <thead>
              <tr className="border-b border-slate-200 text-left text-slate-600">
                <th scope="col" className="py-1 pr-4">
                  Sample
                </th>
                <th scope="col" className="py-1 pr-4">
                  Comments
                </th>
                <th scope="col" className="py-1 pr-4">
                  Coders (comments coded)
                </th>
                <th scope="col" className="py-1">
                  Coded by two or more
                </th>
              </tr>
            </thead>
            <tbody>
              {samples.map((s) => (
                <tr key={s.id} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-1 pr-4 text-left font-normal">
                    <Link to={s.id} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                      {s.name}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {new Date(s.createdAt).toISOString().slice(0, 10)}
                      {s.createdBy ? ` · ${s.createdBy}` : ""}
                    </p>
                  </th>
                  <td className="py-1 pr-4 tabular-nums">{s.size}</td>
                  <td className="py-1 pr-4">
                    {s.coders.map((c) => (
                      <span key={c.id} className="mr-3 inline-block">
                        {c.name}: {c.coded} of {s.size}
                      </span>
                    ))}
                  </td>
                  <td className="py-1 tabular-nums">{s.codedByTwoOrMore}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {mayCreate ? (
        <Section
          title="Draw a sample"
          description="Comments are drawn at random with a seed: the same seed and filter draw the same comments again."
        >
          <PostForm className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Name"
              name="name"
              required
              defaultValue={values.name}
              error={errors.name}
            />
            <Field
              label="Number of comments"
              name="size"
              type="number"
              min={2}
              max={1000}
              required
              defaultValue={values.size ?? "50"}
              error={errors.size}
            />
            <Field
              label="Seed"
              name="seed"
              type="number"
              min={0}
              hint="Leave empty for a random one (it is kept with the sample)."
              defaultValue={values.seed}
              error={errors.seed}
            />
            <SelectField
              label="Source"
              name="source"
              defaultValue={values.source ?? ""}
              error={errors["filter.source"]}
              options={[
                { value: "", label: "Any" },
                { value: "end_user", label: "End users" },
                { value: "reviewer", label: "Reviewers' answers" },
              ]}
            />
            <Field
              label="From"
              name="from"
              type="date"
              defaultValue={values.from}
              error={errors["filter.from"]}
            />
            <Field
              label="To"
              name="to"
              type="date"
              defaultValue={values.to}
              error={errors["filter.to"]}
            />
            <SelectField
              label="Score"
              name="scoreKind"
              defaultValue={values.scoreKind ?? ""}
              options={[
                { value: "", label: "Any" },
                { value: "thumbs", label: "Thumbs" },
                { value: "stars", label: "Stars" },
              ]}
            />
            <Field
              label="Score value"
              name="score"
              type="number"
              min={0}
              max={5}
              hint="Thumbs: 1 up, 0 down; stars: 1–5."
              defaultValue={values.score}
              error={errors["filter.score"]}
            />
            <div className="sm:col-span-2">
              <CheckboxField
                label="Only comments nobody has coded"
                name="uncodedOnly"
              />
            </div>
            <fieldset
              className="sm:col-span-2"
              aria-describedby={errors.coderIds ? "coders-error" : undefined}
            >
              <legend className="text-sm font-medium text-slate-700">
                Coders (two or more)
              </legend>
              <div className="mt-2 flex flex-wrap gap-4">
                {coders.map((c) => (
                  <CheckboxField
                    key={c.id}
                    label={c.name}
                    name="coderIds"
                    value={c.id}
                  />
                ))}
              </div>
              {errors.coderIds ? (
                <p id="coders-error" className="mt-1 text-sm text-red-700">
                  {errors.coderIds}
                </p>
              ) : null}
            </fieldset>
            <div className="sm:col-span-2">
              <Button>Draw the sample</Button>
            </div>
          </PostForm>
        </Section>
      ) : null}
    </div>
  );
}
