import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { ConfirmAction } from "~/components/confirm-action";
import { DateTime } from "~/components/date-time";
import { WidgetSnippet } from "~/components/feedback/widget-snippet";
import { FeedbackNav } from "~/components/feedback-nav";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { TextareaField } from "~/components/ui/textarea-field";
import { db } from "~/db.server";
import { deleteFeedbackByUser } from "~/modules/feedback/delete-by-user.server";
import { createIngestKey, listIngestKeys, revokeIngestKey, updateIngestKey } from "~/modules/feedback/ingest-keys.server";
import { getFeedbackSettings, saveFeedbackSettings } from "~/modules/feedback/settings.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ValidationError } from "~/utils/errors";
import type { FormErrors } from "~/utils/http.server";
import { publicOrigin } from "~/utils/http.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Feedback ingest · ${data.project.name} · Loupe` : "Feedback ingest · Loupe" }];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const projectId = params.projectId ?? "";
  const project = await authorizeProject(db, actor, projectId, "feedback.manage");
  const [keys, settings] = await Promise.all([listIngestKeys(db, actor, projectId), getFeedbackSettings(db, actor, projectId)]);
  return { project: { id: project.projectId, name: project.name }, keys, settings, endpoint: `${publicOrigin(request)}/api/v1/feedback` };
});

type Result = FormErrors & { target?: string; notice?: string; created?: { name: string; key: string } };

// why: an empty box must read as "missing", not as 0 (which Number("") gives).
const whole = (value: string) => (value.trim() === "" ? Number.NaN : Number(value));
const lines = (value: string) => value.split("\n").map((l) => l.trim()).filter(Boolean);
const targetOf = (form: FormReader) => `${form.text("intent")}:${form.text("keyId")}`;

export const action = formAction(
  async ({ actor, form, params }) => {
    const projectId = params.projectId ?? "";
    const target = targetOf(form);
    const keyValues = () => ({ name: form.text("name"), allowedOrigins: lines(form.text("allowedOrigins")), ratePerMinute: whole(form.text("ratePerMinute")) });
    switch (form.text("intent")) {
      case "create-key": {
        const key = await createIngestKey(db, actor, projectId, keyValues());
        // why: this response is the only place the secret ever appears; only its hash is stored.
        return data<Result>({ target, created: { name: key.name, key: key.key } }, { headers: { "Cache-Control": "no-store" } });
      }
      case "update-key":
        await updateIngestKey(db, actor, form.text("keyId"), keyValues());
        return data<Result>({ target, notice: "Key saved. It applies from the next request." });
      case "revoke-key":
        await revokeIngestKey(db, actor, form.text("keyId"));
        return data<Result>({ target, notice: "Key revoked. Requests that use it are refused from now on." });
      case "save-settings": {
        const retention = form.text("retentionDays").trim();
        const percent = form.text("queueSamplePercent").trim();
        await saveFeedbackSettings(db, actor, projectId, {
          redactPii: form.checked("redactPii"),
          retentionDays: retention === "" ? null : whole(retention),
          queueSampleRate: percent === "" ? Number.NaN : Number(percent) / 100,
        });
        return data<Result>({ target, notice: "Feedback settings saved." });
      }
      case "delete-user": {
        if (!form.checked("confirm")) throw new ValidationError("Confirm the deletion.", [{ field: "confirm", message: "Tick the box to confirm: the deletion cannot be undone." }]);
        const { deleted } = await deleteFeedbackByUser(db, actor, projectId, { userId: form.text("userId") });
        return data<Result>({ target, notice: `Deleted ${deleted} feedback record${deleted === 1 ? "" : "s"} of that user id.` });
      }
      default:
        throw new ValidationError("Unknown action.");
    }
  },
  { extra: (form): Result => ({ target: targetOf(form) }) },
);

/** The first error of a field, including its items' (`allowedOrigins.2`). */
const fieldError = (result: Result | undefined, field: string) =>
  Object.entries(result?.fieldErrors ?? {}).find(([name]) => name === field || name.startsWith(`${field}.`))?.[1];

export default function FeedbackSettingsPage() {
  const { project, keys, settings, endpoint } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const answering = (intent: string) => (result?.target?.startsWith(`${intent}:`) ? result : undefined);
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Feedback ingest"
        description={
          <Link to={`/projects/${project.id}`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {project.name}
          </Link>
        }
      />
      <FeedbackNav role="manager" />
      {result?.created ? <NewKey name={result.created.name} secret={result.created.key} /> : null}
      {result?.notice ? <Alert tone="success">{result.notice}</Alert> : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      <Section title="Ingest keys" description="A key can send feedback to this project and read nothing. Browsers may use it only from the origins listed; servers send no origin.">
        {keys.length === 0 ? (
          <p className="text-sm text-slate-600">No ingest keys yet.</p>
        ) : (
          <ul aria-label="Ingest keys" className="divide-y divide-slate-200 rounded-md border border-slate-200">
            {keys.map((key) => (
              <li key={key.id} className="space-y-2 p-4 text-sm">
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="min-w-0">
                    <p className="break-words font-medium">
                      {key.name}{" "}
                      <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${key.revokedAt ? "bg-red-50 text-red-700" : "bg-emerald-50 text-emerald-700"}`}>{key.revokedAt ? "Revoked" : "Active"}</span>
                    </p>
                    <p className="mt-1 font-mono text-slate-700">{key.prefix}…</p>
                    <p className="mt-1 break-words text-slate-600">Origins: {key.allowedOrigins.length ? key.allowedOrigins.join(", ") : "none (servers only)"} · {key.ratePerMinute.toLocaleString("en")} records a minute</p>
                    <p className="mt-1 text-slate-500">
                      Created <DateTime value={key.createdAt} /> · Last used {key.lastUsedAt ? <DateTime value={key.lastUsedAt} withTime /> : "never"}
                    </p>
                  </div>
                  {key.revokedAt ? null : (
                    <ConfirmAction label="Revoke" subject={key.name} confirmLabel={`Yes, revoke ${key.name}`} intent="revoke-key" fields={{ keyId: key.id }}>
                      Revoke this key? Pages and services sending feedback with it are refused at once. This cannot be undone.
                    </ConfirmAction>
                  )}
                </div>
                {key.revokedAt ? null : (
                  <details open={result?.target === `update-key:${key.id}` && !result.notice}>
                    <summary className="cursor-pointer text-indigo-700">Edit origins and rate</summary>
                    <KeyForm intent="update-key" keyId={key.id} values={key} result={answering("update-key")} />
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
        <h3 className="mt-6 text-base font-semibold">Create a key</h3>
        <KeyForm intent="create-key" result={answering("create-key")} resetKey={result?.created?.key} />
      </Section>
      <SettingsForm settings={settings} result={answering("save-settings")} />
      <Section title="Delete a user's feedback" description="For a data-subject request: deletes every feedback record of one pseudonymous user id in this project. The audit log records the count, not the id.">
        <PostForm className="max-w-xl space-y-3" aria-label="Delete a user's feedback">
          <input type="hidden" name="intent" value="delete-user" />
          <Field label="User id" name="userId" required maxLength={200} autoComplete="off" error={fieldError(answering("delete-user"), "userId")} />
          <CheckboxField label="I understand this deletes the records for good" name="confirm" required />
          {fieldError(answering("delete-user"), "confirm") ? <p className="text-sm text-red-700">{fieldError(answering("delete-user"), "confirm")}</p> : null}
          <Button variant="danger">Delete this user's feedback</Button>
        </PostForm>
      </Section>
      <Section title="Sending feedback" description="One record as JSON, or many as NDJSON (one a line, gzip allowed). A record with an id is stored once, however often it is sent.">
        <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">{curlExample(endpoint)}</pre>
        <div id="widget-snippet" className="mt-6">
          <WidgetSnippet
            loupeUrl={endpoint.replace(/\/api\/v1\/feedback$/, "")}
            ingestKey={result?.created?.key}
            keyPrefix={keys.find((k) => !k.revokedAt)?.prefix}
          />
        </div>
      </Section>
    </div>
  );
}

const curlExample = (endpoint: string) =>
  `curl ${endpoint} \\
  -H "Authorization: Bearer lfi_…" \\
  -H "Content-Type: application/json" \\
  -d '{"id": "evt-123", "traceId": "trace-42", "thumbs": "down", "comment": "Too long", "userId": "u-981", "segment": "pro"}'`;

function KeyForm({ intent, keyId, values, result, resetKey }: { intent: string; keyId?: string; values?: { name: string; allowedOrigins: string[]; ratePerMinute: number }; result?: Result; resetKey?: string }) {
  const busy = useNavigation().formData?.get("intent") === intent;
  return (
    <PostForm key={resetKey ?? intent} className="mt-3 grid max-w-3xl gap-3 sm:grid-cols-2" aria-label={keyId ? `Edit ${values?.name}` : "Create an ingest key"}>
      <input type="hidden" name="intent" value={intent} />
      {keyId ? <input type="hidden" name="keyId" value={keyId} /> : null}
      <Field label="Key name" name="name" required maxLength={100} autoComplete="off" defaultValue={values?.name} hint="Where it is used, e.g. “web app”." error={fieldError(result, "name")} />
      <Field label="Records a minute" name="ratePerMinute" type="number" inputMode="numeric" min={1} max={1_000_000} required defaultValue={values?.ratePerMinute ?? 600} error={fieldError(result, "ratePerMinute")} />
      <div className="sm:col-span-2">
        <TextareaField
          label="Allowed origins"
          name="allowedOrigins"
          rows={3}
          defaultValue={values?.allowedOrigins.join("\n")}
          hint="One a line, e.g. https://app.example.com. Leave empty for a key used only by servers."
          error={fieldError(result, "allowedOrigins")}
        />
      </div>
      <div>
        <Button variant={keyId ? "secondary" : "primary"} disabled={busy}>{keyId ? "Save key" : busy ? "Creating…" : "Create key"}</Button>
      </div>
    </PostForm>
  );
}

function SettingsForm({ settings, result }: { settings: { redactPii: boolean; retentionDays: number | null; queueSampleRate: number }; result?: Result }) {
  return (
    <Section title="Privacy and the review queue">
      <PostForm className="max-w-3xl space-y-4" aria-label="Feedback settings">
        <input type="hidden" name="intent" value="save-settings" />
        <CheckboxField label="Redact personal data in comments on arrival" name="redactPii" defaultChecked={settings.redactPii} hint="Emails, card numbers, IBANs, IP addresses and phone numbers are replaced before the comment is stored." />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Keep feedback for (days)" name="retentionDays" type="number" inputMode="numeric" min={1} max={36_500} defaultValue={settings.retentionDays ?? ""} hint="Older end-user feedback is deleted by a job every hour. Empty: keep it." error={fieldError(result, "retentionDays")} />
          <Field label="Inline outputs sent to review (%)" name="queueSamplePercent" type="number" inputMode="decimal" min={0} max={100} step="any" required defaultValue={Math.round(settings.queueSampleRate * 10_000) / 100} hint="The share of outputs that feedback brings in which join the review queue; the rest are stored but not queued." error={fieldError(result, "queueSampleRate")} />
        </div>
        <Button>Save settings</Button>
      </PostForm>
    </Section>
  );
}

function NewKey({ name, secret }: { name: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="new-key-heading" className="mb-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4 sm:p-6">
      <h2 id="new-key-heading" className="text-base font-semibold text-emerald-900">
        Your new ingest key “{name}”
      </h2>
      <p className="mt-1 text-sm text-emerald-900">Copy it now: it will not be shown again. Send it as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.</p>
      <div className="mt-3 flex gap-2">
        <label htmlFor="new-ingest-key" className="sr-only">
          New ingest key
        </label>
        <input id="new-ingest-key" readOnly value={secret} onFocus={(event) => event.currentTarget.select()} className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-300" />
        <Button type="button" variant="secondary" onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}>
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </section>
  );
}
