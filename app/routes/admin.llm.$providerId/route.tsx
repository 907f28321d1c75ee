import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ConfirmAction } from "~/components/confirm-action";
import { ProviderForm } from "~/components/llm/provider-form";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { deleteProvider } from "~/modules/llm/delete-provider.server";
import { formValuesOf, providerFormValues, providerInputFrom, toFormIssues, type ProviderFormValues } from "~/modules/llm/provider-form";
import { getProvider } from "~/modules/llm/queries.server";
import { testProviderConnection, type ConnectionTest } from "~/modules/llm/test-provider.server";
import { updateProvider } from "~/modules/llm/update-provider.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import type { FormErrors } from "~/utils/http.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { TestResult } from "./test-result";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.provider.name} · LLM providers · Loupe` : "LLM provider · Loupe" }];

const providerId = (params: { providerId?: string }) => {
  const parsed = z.uuid().safeParse(params.providerId);
  if (!parsed.success) throw new NotFoundError("No such LLM provider.");
  return parsed.data;
};

export const loader = pageLoader(async ({ actor, params, request }) => {
  const provider = await getProvider(db, actor, providerId(params));
  return { provider, added: new URL(request.url).searchParams.has("added") };
});

type Result = FormErrors & { intent: string; notice?: string; values?: ProviderFormValues; test?: ConnectionTest };
const savedValues = (form: FormReader) => (form.text("intent") === "save" ? providerFormValues(form.data) : undefined);

export const action = formAction(
  async ({ actor, form, params }) => {
    const intent = form.text("intent");
    const id = providerId(params);
    if (intent === "test") return { intent, test: await testProviderConnection(db, actor, id) } satisfies Result;
    if (intent === "delete") {
      await deleteProvider(db, actor, id);
      return redirect("/admin/llm");
    }
    // why: any other intent once fell through to the save branch without the form's values, a 500.
    if (intent !== "save") throw new ValidationError("Unknown action.");
    await updateProvider(db, actor, id, providerInputFrom(form.data, savedValues(form)!));
    return { intent, notice: "Saved." } satisfies Result;
  },
  {
    mapError: (error, form) => {
      const values = savedValues(form);
      return values ? toFormIssues(error, values) : error;
    },
    extra: (form): Result => ({ intent: form.text("intent"), values: savedValues(form) }),
    conflictField: "name",
  },
);

export default function EditProvider() {
  const { provider, added } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const navigation = useNavigation();
  const submitting = (intent: string) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const saveResult = result?.intent === "save" ? result : undefined;
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title={provider.name}
        description={
          <Link to="/admin/llm" className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← All providers
          </Link>
        }
        actions={
          <ConfirmAction label="Delete" subject={provider.name} confirmLabel={`Yes, delete ${provider.name}`} intent="delete" fields={{}}>
            Delete this provider? Jobs can no longer use it. A provider that jobs have used cannot be deleted; disable it instead.
          </ConfirmAction>
        }
      />
      {added ? <Alert tone="success">Provider added. Test the connection to check the URL and the key.</Alert> : null}
      {saveResult?.notice ? <Alert tone="success">{saveResult.notice}</Alert> : null}
      {result?.intent === "delete" && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}

      <Section title="Test connection" description="One tiny call: the provider's model list, or a 1-token completion where it has none.">
        <PostForm>
          <input type="hidden" name="intent" value="test" />
          <Button variant="secondary" disabled={submitting("test")}>
            {submitting("test") ? "Testing…" : "Test connection"}
          </Button>
        </PostForm>
        {result?.intent === "test" && result.test ? <TestResult result={result.test} /> : null}
        {result?.intent === "test" && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      </Section>

      <div className="mt-8">
        <ProviderForm
          // why: a new form only when the saved provider changed (a save, which also empties the key
          // field); testing the connection or a refused save keeps what was typed.
          key={String(provider.updatedAt)}
          values={saveResult?.values ?? formValuesOf(provider)}
          hasStoredKey={provider.keySource === "stored"}
          storedHeaders={provider.headerNames}
          errors={saveResult?.fieldErrors ?? {}}
          formError={saveResult?.formError}
          busy={submitting("save")}
          submitLabel="Save provider"
        />
      </div>
    </div>
  );
}
