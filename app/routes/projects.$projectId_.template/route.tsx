import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { db } from "~/db.server";
import type { TemplateInput } from "~/modules/templates/schemas";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ValidationError } from "~/utils/errors";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { toJson } from "./drafts";
import { TemplateEditor } from "./editor";
import { getTemplateEditor } from "./queries.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Template · ${data.project.name} · Loupe` : "Template · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  return await getTemplateEditor(db, actor, params.projectId ?? "");
});

export const action = formAction(
  async ({ actor, form, params }) => {
    const saved = await saveTemplate(db, actor, params.projectId ?? "", parseJson(form.text("template")));
    return { saved: saved.version, submitted: undefined };
  },
  // why: without JavaScript the page is rendered anew; what was typed comes back with the errors.
  { extra: (form) => ({ submitted: form.text("template"), saved: undefined }) },
);

function parseJson(text: string): TemplateInput {
  try {
    return JSON.parse(text) as TemplateInput;
  } catch (error) {
    const message = `This is not valid JSON: ${error instanceof Error ? error.message : "cannot read it"}.`;
    throw new ValidationError(message, [{ field: "template", message }]);
  }
}

export default function TemplatePage() {
  const { project, template, versions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fieldErrors = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  return (
    <div>
      <PageHeader
        title="Review template"
        description={
          <>
            <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              ← Back to {project.name}
            </Link>
            <p className="mt-1">
              {template ? `Version ${template.version} is current.` : "No template yet."} Saving makes a new version; answers
              already given keep the version they answered.
            </p>
          </>
        }
      />
      <noscript>
        <p className="mb-4 text-sm text-slate-700">Without JavaScript, change the template in “Edit as JSON” and save.</p>
      </noscript>
      <div className="mb-4 space-y-2">
        {result?.saved ? <Alert tone="success">Version {result.saved} saved.</Alert> : null}
        {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      </div>
      <TemplateEditor
        // why: a saved version comes back from the server in its checked form (defaults filled in).
        key={template?.version ?? 0}
        initialText={result?.submitted ?? toJson(template?.questions ?? [])}
        fallback={template?.questions ?? []}
        errors={fieldErrors}
        busy={busy}
      />
      <Section title="Version history">
        {versions.length ? (
          <ol aria-label="Template versions" className="divide-y divide-slate-200 text-sm">
            {versions.map((v) => (
              <li key={v.version} className="flex flex-wrap gap-x-3 py-2">
                <span className="font-medium">Version {v.version}</span>
                <DateTime value={v.createdAt} withTime />
                <span className="text-slate-600">by {v.author ?? "a deleted user"}</span>
                {v.version === template?.version ? <span className="rounded bg-emerald-100 px-1.5 text-xs font-medium text-emerald-800">current</span> : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-sm text-slate-600">Nothing saved yet.</p>
        )}
      </Section>
    </div>
  );
}
