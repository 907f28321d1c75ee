import { redirect, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useNavigation } from "@remix-run/react";
import { ProviderForm } from "~/components/llm/provider-form";
import { PageHeader } from "~/components/page-header";
import { db } from "~/db.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { formValuesOf, providerFormValues, providerInputFrom, toFormIssues } from "~/modules/llm/provider-form";
import { assertProviderAdmin } from "~/modules/llm/queries.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Add an LLM provider · Loupe" }];

export const loader = pageLoader(async ({ actor }) => {
  assertProviderAdmin(actor);
  return null;
});

export const action = formAction(
  async ({ actor, form }) => {
    const provider = await createProvider(db, actor, providerInputFrom(form.data, providerFormValues(form.data)));
    return redirect(`/admin/llm/${provider.id}?added=1`);
  },
  { mapError: (error, form) => toFormIssues(error, providerFormValues(form.data)), extra: (form) => ({ values: providerFormValues(form.data) }), conflictField: "name" },
);

export default function NewProvider() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title="Add an LLM provider"
        description={
          <Link to="/admin/llm" className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← All providers
          </Link>
        }
      />
      <ProviderForm
        values={result?.values ?? formValuesOf(undefined)}
        hasStoredKey={false}
        storedHeaders={[]}
        errors={result?.fieldErrors ?? {}}
        formError={result?.formError}
        busy={busy}
        submitLabel="Add provider"
      />
    </div>
  );
}
