import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { ConfirmAction } from "~/components/confirm-action";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { createTheme, deleteTheme, listThemes, mergeThemes, splitTheme, themeComments, updateTheme } from "~/modules/research/themes.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data ? `Codebook · ${data.project.name} · Loupe` : "Codebook · Loupe",
  },
];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const splitId = new URL(request.url).searchParams.get("split");
  const themes = await listThemes(db, actor, project.id);
  const split = splitId && themes.some((t) => t.id === splitId) ? await themeComments(db, actor, splitId) : null;
  return {
    project,
    themes,
    split,
    canEdit: can({ isAdmin: actor.isAdmin, role: project.role }, "feedback.code"),
  };
});

const examplesOf = (form: FormReader) =>
  form
    .text("examples")
    .split("\n")
    .map((e) => e.trim())
    .filter(Boolean);

export const action = formAction(
  async ({ actor, form, params }) => {
    const intent = form.text("intent");
    const themeId = form.text("themeId");
    if (intent === "create") {
      const t = await createTheme(db, actor, params.projectId ?? "", {
        name: form.text("name"),
        description: form.text("description"),
        examples: examplesOf(form),
        parentId: form.optional("parentId") ?? null,
      });
      return { notice: `Added “${t.name}”.` };
    }
    if (intent === "update") {
      const t = await updateTheme(db, actor, themeId, {
        name: form.text("name"),
        description: form.text("description"),
        examples: examplesOf(form),
        parentId: form.optional("parentId") ?? null,
      });
      return { notice: `Saved “${t.name}”.` };
    }
    if (intent === "delete") {
      const gone = await deleteTheme(db, actor, themeId);
      return {
        notice: `Deleted the theme and ${gone.codings} coding${gone.codings === 1 ? "" : "s"}.`,
      };
    }
    if (intent === "merge") {
      const merged = await mergeThemes(db, actor, themeId, form.text("into"));
      return {
        notice: `Merged: ${merged.codingsMoved} coding${merged.codingsMoved === 1 ? "" : "s"} moved.`,
      };
    }
    if (intent === "split") {
      const result = await splitTheme(db, actor, themeId, {
        parts: [
          {
            name: form.text("name"),
            feedbackIds: form.all("feedbackIds").map(Number),
          },
        ],
        removeOriginal: form.checked("removeOriginal"),
      });
      return { notice: `Split into “${result.created[0]!.name}”.` };
    }
    return { notice: undefined };
  },
  {
    extra: (form) => ({
      intent: form.text("intent"),
      themeId: form.text("themeId"),
    }),
  }
);

export default function Codebook() {
  const { project, themes, split, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const errors = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  const errorFor = (intent: string, themeId = "") => (result && "intent" in result && result.intent === intent && result.themeId === themeId ? errors : {});
  const formErrorText = result && "formError" in result ? result.formError : undefined;
  const parents = themes.filter((t) => t.parentId === null);
  const parentOptions = (self?: string) => [{ value: "", label: "None (top level)" }, ...parents.filter((p) => p.id !== self).map((p) => ({ value: p.id, label: p.name }))];
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Codebook"
        description={
          <>
            <Link to={`/projects/${project.id}/feedback`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {project.name} feedback
            </Link>{" "}
            · themes nest one level; names are unique in the project, ignoring case.
          </>
        }
      />
      <FeedbackNav role={project.role} />
      {result && "notice" in result && result.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {formErrorText ? <Alert tone="error">{formErrorText}</Alert> : null}
      <table className="mt-4 w-full text-sm">
        <caption className="mb-2 text-left font-medium text-slate-800">Themes</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-2 pr-4">
              Theme
            </th>
            <th scope="col" className="py-2 pr-4">
              Comments
            </th>
            <th scope="col" className="py-2 pr-4">
              Codings
            </th>
            <th scope="col" className="py-2">
              Actions
            </th>
          </tr>
        </thead>
        <tbody>
          {themes.length === 0 ? (
            <tr>
              <td colSpan={4} className="py-3 text-slate-500">
                No themes yet.
              </td>
            </tr>
          ) : null}
          {themes.map((t) => (
            <tr key={t.id} className="border-b border-slate-100 align-top" data-testid={`theme-${t.name}`}>
              <th scope="row" className={`py-2 pr-4 text-left font-medium ${t.parentId ? "pl-6" : ""}`}>
                <Link to={`/projects/${project.id}/feedback?theme=${t.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
                  {t.name}
                </Link>
                {t.description ? <p className="font-normal text-slate-600">{t.description}</p> : null}
                {t.examples.length ? (
                  <ul className="list-disc pl-5 font-normal text-slate-500">
                    {t.examples.map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ul>
                ) : null}
              </th>
              <td className="py-2 pr-4" data-testid="comments">
                {t.comments}
              </td>
              <td className="py-2 pr-4" data-testid="codings">
                {t.codings}
              </td>
              <td className="py-2">
                {canEdit ? (
                  <div className="flex flex-wrap gap-2">
                    <details>
                      <summary className="cursor-pointer rounded-md px-3 py-2 ring-1 ring-inset ring-slate-300">
                        Edit<span className="sr-only"> {t.name}</span>
                      </summary>
                      <PostForm className="mt-2 w-72 space-y-2">
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="themeId" value={t.id} />
                        <Field label="Name" name="name" defaultValue={t.name} required error={errorFor("update", t.id).name} />
                        <TextareaField label="Description" name="description" defaultValue={t.description} />
                        <TextareaField label="Examples (one a line)" name="examples" defaultValue={t.examples.join("\n")} />
                        <SelectField label="Under" name="parentId" defaultValue={t.parentId ?? ""} options={parentOptions(t.id)} error={errorFor("update", t.id).parentId} />
                        <Button>Save</Button>
                      </PostForm>
                    </details>
                    {themes.length > 1 ? (
                      <details>
                        <summary className="cursor-pointer rounded-md px-3 py-2 ring-1 ring-inset ring-slate-300">
                          Merge<span className="sr-only"> {t.name}</span>
                        </summary>
                        <PostForm className="mt-2 w-72 space-y-2">
                          <input type="hidden" name="intent" value="merge" />
                          <input type="hidden" name="themeId" value={t.id} />
                          <SelectField
                            label={`Merge “${t.name}” into`}
                            name="into"
                            options={themes.filter((o) => o.id !== t.id).map((o) => ({ value: o.id, label: o.name }))}
                            error={errorFor("merge", t.id).into}
                          />
                          <p className="text-xs text-slate-600">
                            Its {t.codings} coding{t.codings === 1 ? "" : "s"} and its child themes move; “{t.name}” is deleted.
                          </p>
                          <Button>Merge</Button>
                        </PostForm>
                      </details>
                    ) : null}
                    <Link to={`?split=${t.id}`} className="rounded-md px-3 py-2 ring-1 ring-inset ring-slate-300">
                      Split<span className="sr-only"> {t.name}</span>
                    </Link>
                    <ConfirmAction label="Delete" subject={t.name} confirmLabel={`Yes, delete ${t.name}`} intent="delete" fields={{ themeId: t.id }}>
                      Deleting “{t.name}” removes {t.codings} coding
                      {t.codings === 1 ? "" : "s"}
                      {themes.some((c) => c.parentId === t.id) ? " and its child themes with theirs" : ""}.
                    </ConfirmAction>
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && split && search.get("split") ? (
        <Section title={`Split “${split.name}”`} description="Choose the comments that go to a new theme beside it; the rest stay unless you remove the original.">
          <PostForm className="space-y-3">
            <input type="hidden" name="intent" value="split" />
            <input type="hidden" name="themeId" value={split.id} />
            <Field label="New theme" name="name" required error={errorFor("split", split.id).name ?? errorFor("split", split.id)["parts.0.name"]} />
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium">Comments that move</legend>
              {split.comments.map((c) => (
                <label key={c.id} className="flex items-start gap-2 text-sm">
                  <input type="checkbox" name="feedbackIds" value={c.id} className="mt-1" />
                  <span className="whitespace-pre-wrap break-words">{c.comment}</span>
                </label>
              ))}
            </fieldset>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="removeOriginal" /> Remove “{split.name}” afterwards (its remaining codings go with it)
            </label>
            <Button>Split</Button>
          </PostForm>
        </Section>
      ) : null}
      {canEdit ? (
        <Section title="Add a theme">
          <PostForm className="max-w-md space-y-3">
            <input type="hidden" name="intent" value="create" />
            <Field label="Name" name="name" required error={errorFor("create").name} />
            <TextareaField label="Description" name="description" />
            <TextareaField label="Examples (one a line)" name="examples" />
            <SelectField label="Under" name="parentId" options={parentOptions()} error={errorFor("create").parentId} />
            <Button>Add theme</Button>
          </PostForm>
        </Section>
      ) : null}
    </div>
  );
}
