import type { MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { asc, eq } from "drizzle-orm";
import { useState } from "react";
import { items } from "~db/schema";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { can } from "~/modules/projects/policy";
import { getProject } from "~/modules/projects/queries.server";
import { listPrompts } from "~/modules/prompts/queries.server";
import { RenderError, renderPrompt, type PromptItem } from "~/modules/prompts/render";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { promptVariables } from "~/modules/prompts/schemas";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ValidationError } from "~/utils/errors";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Prompts · ${data.project.name} · Loupe` : "Prompts · Loupe" }];

export const loader = pageLoader(async ({ actor, params }) => {
  const project = await getProject(db, actor, params.projectId ?? "");
  const [prompts, template, [sample]] = await Promise.all([
    listPrompts(db, actor, project.id),
    getTemplate(db, project.id),
    // why: the preview renders the project's first item, so the prompt is seen with real text.
    db.select({ id: items.id, input: items.input, outputs: items.outputs, reference: items.reference, metadata: items.metadata }).from(items).where(eq(items.projectId, project.id)).orderBy(asc(items.id)).limit(1),
  ]);
  return {
    project,
    prompts: prompts.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
    questions: (template?.questions ?? []).filter((q) => q.kind !== "text").map((q) => ({ key: q.key, text: q.text })),
    sample: (sample ?? null) as (PromptItem & { id: number }) | null,
    canWrite: can({ isAdmin: actor.isAdmin, role: project.role }, "llm.run"),
  };
});

const valuesOf = (form: FormReader) => ({ ...form.pick("name", "purpose", "system", "user", "temperature", "maxTokens"), questions: form.all("questions") });

/** A number box: empty means "the provider's default"; anything else must read as a number. */
function optionalNumber(text: string, field: string): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new ValidationError(`${field}: expected a number.`, [{ field, message: "Expected a number." }]);
  return n;
}

export const action = formAction(
  async ({ actor, form, params }) => {
    const v = valuesOf(form);
    const saved = await savePromptVersion(db, actor, params.projectId ?? "", {
      name: v.name,
      purpose: v.purpose as "generate" | "judge",
      system: v.system,
      user: v.user,
      questions: v.purpose === "judge" ? v.questions : [],
      params: { temperature: optionalNumber(v.temperature, "params.temperature"), maxTokens: optionalNumber(v.maxTokens, "params.maxTokens") },
    });
    return { notice: `Saved ${saved.name} version ${saved.version}.`, values: undefined };
  },
  { extra: (form) => ({ values: valuesOf(form), notice: undefined }) },
);

export default function PromptsPage() {
  const { project, prompts, questions, sample, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const values = result && "values" in result ? result.values : undefined;
  const errors = (result && "fieldErrors" in result ? result.fieldErrors : undefined) ?? {};
  const [system, setSystem] = useState(values?.system ?? "");
  const [user, setUser] = useState(values?.user ?? "{{input}}");
  const [purpose, setPurpose] = useState(values?.purpose ?? "generate");
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Prompts"
        description={
          <>
            <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
              {project.name}
            </Link>{" "}
            · generation and judge prompts. Each save of a name is its next version; versions never change, so every output and judge answer names the
            one that made it.
          </>
        }
      />
      <table className="w-full text-sm">
        <caption className="mb-2 text-left font-medium text-slate-800">The newest version of each prompt</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-600">
            <th scope="col" className="py-2 pr-4">Prompt</th>
            <th scope="col" className="py-2 pr-4">Purpose</th>
            <th scope="col" className="py-2 pr-4">Questions</th>
            <th scope="col" className="py-2 pr-4">Versions</th>
            <th scope="col" className="py-2">Saved</th>
          </tr>
        </thead>
        <tbody>
          {prompts.length === 0 ? (
            <tr>
              <td colSpan={5} className="py-3 text-slate-500">
                No prompts yet.
              </td>
            </tr>
          ) : (
            prompts.map((p) => (
              <tr key={p.id} className="border-b border-slate-100">
                <th scope="row" className="py-2 pr-4 text-left font-medium">
                  {p.name} v{p.version}
                </th>
                <td className="py-2 pr-4">{p.purpose}</td>
                <td className="py-2 pr-4">{p.questions.join(", ") || "—"}</td>
                <td className="py-2 pr-4">{p.versions}</td>
                <td className="py-2">{new Date(p.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC</td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      {canWrite ? (
        <Section title="Save a prompt version" description="Saving an existing name adds its next version.">
          <div className="grid gap-6 lg:grid-cols-2">
            <PostForm className="space-y-4" key={result && "notice" in result && result.notice ? result.notice : "prompt"}>
              {result && "notice" in result && result.notice ? <Alert tone="success">{result.notice}</Alert> : null}
              {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
              <Field label="Name" name="name" required defaultValue={values?.name ?? ""} error={errors.name} />
              <SelectField
                label="Purpose"
                name="purpose"
                value={purpose}
                onChange={(e) => setPurpose(e.target.value)}
                options={[
                  { value: "generate", label: "Generate: write a new output for each item" },
                  { value: "judge", label: "Judge: answer the template's questions" },
                ]}
                error={errors.purpose}
              />
              <TextareaField label="System prompt" name="system" value={system} onChange={(e) => setSystem(e.target.value)} error={errors.system} />
              <TextareaField
                label="User message"
                name="user"
                required
                rows={6}
                value={user}
                onChange={(e) => setUser(e.target.value)}
                error={errors.user}
                hint={`Variables: ${promptVariables.map((v) => `{{${v}}}`).join(", ")}, {{metadata.<field>}}`}
              />
              {purpose === "judge" ? (
                <fieldset className="space-y-2">
                  <legend className="text-sm font-medium text-slate-700">Questions the judge answers</legend>
                  {questions.map((q) => (
                    <CheckboxField key={q.key} name="questions" value={q.key} label={`${q.text} (${q.key})`} defaultChecked={values?.questions.includes(q.key)} />
                  ))}
                  {errors.questions ? <p className="text-sm text-red-700">{errors.questions}</p> : null}
                </fieldset>
              ) : null}
              <div className="grid grid-cols-2 gap-4">
                <Field label="Temperature" name="temperature" inputMode="decimal" defaultValue={values?.temperature ?? ""} error={errors["params.temperature"]} />
                <Field label="Max tokens" name="maxTokens" inputMode="numeric" defaultValue={values?.maxTokens ?? ""} error={errors["params.maxTokens"]} />
              </div>
              <Button disabled={busy}>{busy ? "Saving…" : "Save version"}</Button>
            </PostForm>
            <Preview system={system} user={user} sample={sample} />
          </div>
        </Section>
      ) : null}
    </div>
  );
}

/** The messages the model would be sent for the project's first item, as you type (plain text). */
function Preview({ system, user, sample }: { system: string; user: string; sample: (PromptItem & { id: number }) | null }) {
  let body;
  if (!sample) body = <p className="text-sm text-slate-500">Import an item to see the prompt with real text.</p>;
  else {
    try {
      const messages = renderPrompt({ system, user }, sample);
      body = messages.map((m, i) => (
        <div key={i} className="mb-3">
          <p className="text-xs font-semibold uppercase text-slate-500">{m.role}</p>
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-sm">{m.content}</pre>
        </div>
      ));
    } catch (error) {
      body = <Alert tone="error">{error instanceof RenderError ? error.message : "This prompt cannot be rendered yet."}</Alert>;
    }
  }
  return (
    <div aria-live="polite">
      <h3 className="text-sm font-semibold text-slate-700">Preview{sample ? ` (item ${sample.id})` : ""}</h3>
      <div className="mt-2">{body}</div>
    </div>
  );
}
