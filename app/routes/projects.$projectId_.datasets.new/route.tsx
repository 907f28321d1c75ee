import { redirect, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { useRef } from "react";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { classifierTextHint, formFieldOf, parseBuilderForm, suggestedFormat } from "~/modules/datasets/builder-form";
import { queueDatasetBuild } from "~/jobs/boss.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { previewDataset } from "~/modules/datasets/preview.server";
import { getProject } from "~/modules/projects/queries.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ValidationError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { BuilderFields } from "./builder-fields";
import { PreviewPanel } from "./preview-panel";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `New dataset · ${data.project.name} · Loupe` : "New dataset · Loupe" }];

export const loader = pageLoader(async ({ actor, request, params }) => {
  const search = new URL(request.url).searchParams;
  const project = await getProject(db, actor, params.projectId ?? "");
  const parsed = parseBuilderForm(search);
  // why: with no format chosen yet, preview the one the template is most likely made for.
  const input = { ...parsed, format: parsed.format ?? suggestedFormat((await getTemplate(db, project.id))?.questions ?? []) };
  const values: Record<string, string> = { ...Object.fromEntries(search), format: input.format };
  try {
    return { project, values, preview: await previewDataset(db, actor, project.id, input), fieldErrors: {} as Record<string, string> };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const fieldErrors = Object.fromEntries(error.issues.map((i) => [formFieldOf(i.field), i.message]));
    const preview = await previewDataset(db, actor, project.id, { ...input, filter: {}, options: {} });
    return { project, values, preview: { ...preview, estimate: null, rows: [], next: null }, fieldErrors };
  }
});

export const action = formAction(
  async ({ actor, form, params }) => {
    const input = parseBuilderForm(new URLSearchParams(form.text("query")));
    // why: the page it lands on follows the build and shows the snapshot once it is ready.
    const requested = await requestDataset(db, actor, params.projectId ?? "", { name: form.text("name"), filter: input.filter, options: input.options, format: input.format });
    await queueDatasetBuild(requested.id);
    return redirect(`/projects/${params.projectId}/datasets/${requested.id}`);
  },
  {
    // why: the builder's fields are named after the form's controls, not the verb's input paths.
    mapError: (error) => (error instanceof ValidationError ? new ValidationError(error.message, error.issues.map((i) => ({ ...i, field: formFieldOf(i.field) }))) : error),
  },
);

export default function DatasetBuilder() {
  const { project, values, preview, fieldErrors } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const navigation = useNavigation();
  const submit = useSubmit();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const errors: Record<string, string | undefined> = { ...fieldErrors, ...(result && "fieldErrors" in result ? result.fieldErrors : {}) };
  const saving = navigation.state === "submitting" && navigation.formMethod === "POST";
  const onChange = (event: React.FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    clearTimeout(timer.current);
    // why: a live count without a request per keystroke.
    timer.current = setTimeout(() => submit(form, { replace: true, preventScrollReset: true }), 400);
  };
  return (
    <div className="mx-auto max-w-7xl">
      <PageHeader
        title="New dataset"
        description={
          <Link to={`/projects/${project.id}/datasets`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Datasets of {project.name}
          </Link>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <Form method="get" aria-label="Dataset filter and options" onChange={onChange} className="space-y-4">
          <BuilderFields questions={preview.questions} values={values} errors={errors} textHint={classifierTextHint(values.textFrom, preview.estimate)} />
          <Button variant="secondary">Update preview</Button>
        </Form>
        <div className="space-y-4">
          <PostForm aria-label="Save snapshot" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <input type="hidden" name="query" value={location.search.replace(/^\?/, "")} />
            <div className="min-w-[14rem] flex-1">
              <Field label="Dataset name" name="name" required maxLength={120} defaultValue={values.name ?? ""} error={errors.name} hint="Saving a name again makes its next version." />
            </div>
            <Button disabled={saving}>{saving ? "Saving…" : "Save snapshot"}</Button>
          </PostForm>
          {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
          {Object.keys(errors).length ? <Alert tone="error">Fix the fields marked in the filter and options.</Alert> : null}
          <PreviewPanel projectId={project.id} preview={preview} search={location.search} />
        </div>
      </div>
    </div>
  );
}
