import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ConfirmAction } from "~/components/confirm-action";
import { DateTime } from "~/components/date-time";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { listApiKeys } from "~/modules/api-keys/queries.server";
import { revokeApiKey } from "~/modules/api-keys/revoke-api-key.server";
import { ValidationError } from "~/utils/errors";
import type { FormErrors } from "~/utils/http.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { parseOrThrow } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "API keys · Loupe" }];

export const loader = pageLoader(async ({ actor }) => ({ keys: await listApiKeys(db, actor) }));

type Result = FormErrors & { target?: string; notice?: string; created?: { name: string; key: string } };
const keyRef = z.object({ keyId: z.uuid({ error: "Choose a key." }) });

const targetOf = (form: FormReader) => `${form.text("intent")}:${form.text("keyId")}`;

export const action = formAction(
  async ({ actor, form }) => {
    const target = targetOf(form);
    if (form.text("intent") === "create") {
      const key = await createApiKey(db, actor, form.pick("name"));
      // why: this response is the only place the secret ever appears; only its hash is stored.
      return data<Result>({ target, created: { name: key.name, key: key.key } }, { headers: { "Cache-Control": "no-store" } });
    }
    if (form.text("intent") === "revoke") {
      await revokeApiKey(db, actor, parseOrThrow(keyRef, form.pick("keyId")));
      return data<Result>({ target, notice: "Key revoked. Requests that use it are refused from now on." });
    }
    throw new ValidationError("Unknown action.");
  },
  { extra: (form): Result => ({ target: targetOf(form) }) },
);

export default function ApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div>
      <PageHeader
        title="API keys"
        description="Keys let scripts and the CLI call Loupe's API as you, with your rights on each project. Revoke a key you no longer use."
      />
      {result?.created ? <NewKey name={result.created.name} secret={result.created.key} /> : null}
      {result?.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {result?.formError && result.target?.startsWith("revoke") ? <Alert tone="error">{result.formError}</Alert> : null}
      {keys.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
          You have no API keys yet.
        </p>
      ) : (
        <ul aria-label="Your API keys" className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
          {keys.map((key) => (
            <li key={key.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0 text-sm">
                <p className="break-words font-medium">
                  {key.name}{" "}
                  {key.revokedAt ? (
                    <span className="rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-700">Revoked</span>
                  ) : (
                    <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-700">Active</span>
                  )}
                </p>
                <p className="mt-1 font-mono text-slate-700">{key.prefix}…</p>
                <p className="mt-1 text-slate-500">
                  Created <DateTime value={key.createdAt} /> · Last used{" "}
                  {key.lastUsedAt ? <DateTime value={key.lastUsedAt} withTime /> : "never"}
                  {key.revokedAt ? (
                    <>
                      {" "}
                      · Revoked <DateTime value={key.revokedAt} withTime />
                    </>
                  ) : null}
                </p>
              </div>
              {key.revokedAt ? null : (
                <ConfirmAction label="Revoke" subject={key.name} confirmLabel={`Yes, revoke ${key.name}`} intent="revoke" fields={{ keyId: key.id }}>
                  Revoke this key? Scripts using it stop working at once. This cannot be undone.
                </ConfirmAction>
              )}
            </li>
          ))}
        </ul>
      )}
      <CreateKeyForm
        result={result?.target?.startsWith("create") && !result.created ? result : undefined}
        resetKey={result?.created?.key}
      />
    </div>
  );
}

function NewKey({ name, secret }: { name: string; secret: string }) {
  return (
    <section aria-labelledby="new-key-heading" className="mb-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4 sm:p-6">
      <h2 id="new-key-heading" className="text-base font-semibold text-emerald-900">
        Your new key “{name}”
      </h2>
      <p className="mt-1 text-sm text-emerald-900">
        Copy it and store it now, e.g. in a password manager: it will not be shown again. Send it as{" "}
        <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <label htmlFor="new-key" className="sr-only">
        New API key
      </label>
      <input
        id="new-key"
        readOnly
        value={secret}
        onFocus={(event) => event.currentTarget.select()}
        className="mt-3 block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-300"
      />
    </section>
  );
}

function CreateKeyForm({ result, resetKey }: { result: Result | undefined; resetKey: string | undefined }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  return (
    <Section title="Create a key">
      {/* why: a new key after each created API key clears the name field. */}
      <PostForm key={resetKey ?? "create"} className="flex max-w-xl flex-col gap-3 sm:flex-row sm:items-start">
        <input type="hidden" name="intent" value="create" />
        <div className="flex-1">
          <Field
            label="Key name"
            name="name"
            required
            maxLength={100}
            autoComplete="off"
            hint="What will use it, e.g. “nightly import”."
            error={result?.fieldErrors?.name ?? result?.formError}
          />
        </div>
        <Button className="sm:mt-6" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </Button>
      </PostForm>
    </Section>
  );
}
