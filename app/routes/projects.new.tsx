import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useNavigation } from "@remix-run/react";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { createProjectFromPreset } from "~/modules/projects/create-project-from-preset.server";
import { MAY_NOT_CREATE_PROJECTS, mayCreateProjects } from "~/modules/projects/may-create-projects.server";
import { templatePresetIds, templatePresets, type TemplatePresetId } from "~/modules/templates/presets";
import { ForbiddenError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "New project · Loupe" }];

const DEFAULT_PRESET: TemplatePresetId = "rate-and-correct";

export const loader = pageLoader(async ({ actor }) => {
  if (!(await mayCreateProjects(db, actor))) throw new ForbiddenError(MAY_NOT_CREATE_PROJECTS);
  return null;
});

export const action = formAction(
  async ({ actor, form }) => {
    const project = await createProjectFromPreset(db, actor, { ...form.pick("name", "description"), preset: form.optional("preset") ?? DEFAULT_PRESET });
    return redirect(`/projects/${project.id}`);
  },
  // why: the only conflict is a taken name; without JavaScript the page is rendered anew, so what
  // was typed goes back with the error.
  { extra: (form) => ({ values: { ...form.pick("name", "description"), preset: form.optional("preset") ?? DEFAULT_PRESET } }), conflictField: "name" },
);

export default function NewProject() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-xl">
      <PageHeader title="New project" description="You become the project's manager and can add members afterwards." />
      <PostForm className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
        <Field
          label="Name"
          name="name"
          required
          maxLength={120}
          autoFocus
          defaultValue={result?.values.name}
          error={result?.fieldErrors?.name}
        />
        <TextareaField
          label="Description"
          name="description"
          maxLength={2000}
          defaultValue={result?.values.description}
          hint="Optional: what is reviewed here and why."
          error={result?.fieldErrors?.description}
        />
        <PresetChoice selected={result?.values.preset ?? DEFAULT_PRESET} error={result?.fieldErrors?.preset} />
        <div className="flex flex-wrap items-center gap-3">
          <Button disabled={busy}>{busy ? "Creating…" : "Create project"}</Button>
          <Link to="/projects" className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Cancel
          </Link>
        </div>
      </PostForm>
    </div>
  );
}

function PresetChoice({ selected, error }: { selected: string; error: string | undefined }) {
  return (
    <fieldset aria-describedby={error ? "preset-error" : "preset-hint"}>
      <legend className="text-sm font-medium text-slate-700">Review template</legend>
      <p id="preset-hint" className="text-xs text-slate-500">
        A starting point: you can add, remove and reorder questions afterwards.
      </p>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {templatePresetIds.map((id) => (
          <label
            key={id}
            className="flex cursor-pointer items-start gap-2 rounded-md border border-slate-200 p-3 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50"
          >
            <input
              type="radio"
              name="preset"
              value={id}
              defaultChecked={id === selected}
              aria-describedby={`preset-${id}-description`}
              className="mt-0.5 h-4 w-4 border-slate-300 text-indigo-600 focus:ring-indigo-600"
            />
            <span>
              <span className="block text-sm font-medium text-slate-900">{templatePresets[id].name}</span>
              <span id={`preset-${id}-description`} className="block text-xs text-slate-600">
                {templatePresets[id].description}
              </span>
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p id="preset-error" role="alert" className="mt-1 text-sm text-red-600">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
