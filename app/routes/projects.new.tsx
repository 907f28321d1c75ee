import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useNavigation } from "@remix-run/react";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { createProject } from "~/modules/projects/create-project.server";
import { formError, requireActor } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "New project · Loupe" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireActor(context, request);
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = await request.formData();
  const values = { name: String(form.get("name") ?? ""), description: String(form.get("description") ?? "") };
  try {
    const project = await createProject(db, actor, values);
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
