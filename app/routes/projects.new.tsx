import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { createProject } from "~/modules/projects/create-project.server";
import { MAY_NOT_CREATE_PROJECTS, mayCreateProjects } from "~/modules/projects/may-create-projects.server";
import { templatePresetIds, templatePresets, type TemplatePresetId } from "~/modules/templates/presets";
import type { TemplateInput } from "~/modules/templates/schemas";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ForbiddenError } from "~/utils/errors";
import { formError, requireActor, throwAsResponse } from "~/utils/http.server";
import { parseOrThrow } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "New project · Loupe" }];

const DEFAULT_PRESET: TemplatePresetId = "rate-and-correct";
const presetSchema = z.object({
  preset: z.enum(templatePresetIds as [TemplatePresetId, ...TemplatePresetId[]], { error: "Choose a template to start from." }),
});

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  if (!(await mayCreateProjects(db, actor))) throwAsResponse(new ForbiddenError(MAY_NOT_CREATE_PROJECTS));
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = await request.formData();
  const values = {
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? ""),
    preset: String(form.get("preset") ?? DEFAULT_PRESET),
  };
  try {
    const { preset } = parseOrThrow(presetSchema, values);
    // why: one transaction, so a project never exists without the template it was created from.
    const project = await db.transaction(async (tx) => {
      const created = await createProject(tx, actor, { name: values.name, description: values.description });
      await saveTemplate(tx, actor, created.id, templatePresets[preset].template as TemplateInput);
      return created;
    });
    return redirect(`/projects/${project.id}`);
  } catch (error) {
    // why: the only conflict is a taken name; without JavaScript the page is rendered anew,
    // so what was typed goes back with the error.
    return formError(error, { extra: { values }, conflictField: "name" });
  }
}

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
