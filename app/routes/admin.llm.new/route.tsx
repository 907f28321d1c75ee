import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useNavigation } from "@remix-run/react";
import { ProviderForm } from "~/components/llm/provider-form";
import { PageHeader } from "~/components/page-header";
import { db } from "~/db.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { formValuesOf, providerFormValues, providerInputFrom, toFormIssues } from "~/modules/llm/provider-form";
import { assertProviderAdmin } from "~/modules/llm/queries.server";
import { formError, requireActor, throwAsResponse } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "Add an LLM provider · Loupe" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  try {
    assertProviderAdmin(requireActor(context, request));
  } catch (error) {
    throwAsResponse(error);
  }
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = await request.formData();
  const values = providerFormValues(form);
  try {
    const provider = await createProvider(db, actor, providerInputFrom(form, values));
    return redirect(`/admin/llm/${provider.id}?added=1`);
  } catch (error) {
    return formError(toFormIssues(error, values), { extra: { values }, conflictField: "name" });
  }
}

export default function NewProvider() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title="Add an LLM provider"
        description={
          <Link to="/admin/llm" className="text-indigo-700 hover:underline">
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
