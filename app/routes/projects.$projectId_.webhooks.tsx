import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConfirmAction } from "~/components/confirm-action";
import { DateTime } from "~/components/date-time";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { createWebhook } from "~/modules/webhooks/create-webhook.server";
import { deliverDueWebhooks, type DeliveryOutcome } from "~/modules/webhooks/deliver-webhooks.server";
import { listDeliveries, listWebhooks, type DeliveryView } from "~/modules/webhooks/queries.server";
import { replayDelivery, sendTestEvent } from "~/modules/webhooks/replay-delivery.server";
import { WEBHOOK_EVENTS, webhookEvents } from "~/modules/webhooks/schemas";
import { deleteWebhook, updateWebhook } from "~/modules/webhooks/update-webhook.server";
import { ValidationError } from "~/utils/errors";
import type { FormErrors } from "~/utils/http.server";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Webhooks · ${data.project.name} · Loupe` : "Webhooks · Loupe" }];

export const loader = pageLoader(async ({ actor, params, request }) => {
  const projectId = params.projectId ?? "";
  const project = await authorizeProject(db, actor, projectId, "webhooks.manage");
  const webhooks = await listWebhooks(db, actor, projectId);
  const query = new URL(request.url).searchParams;
  const selected = webhooks.find((w) => w.id === query.get("webhook")) ?? webhooks[0];
  const before = Number(query.get("before")) || undefined;
  const log = selected ? await listDeliveries(db, actor, selected.id, { before }) : null;
  return { project: { id: project.projectId, name: project.name }, webhooks, selectedId: selected?.id ?? null, log };
});

type Result = FormErrors & { intent?: string; notice?: string; tone?: "success" | "error"; created?: { url: string; secret: string } };

/** What an attempt made right now came to, in words for the notice. */
const sentNotice = (what: string, outcome: DeliveryOutcome | undefined): Pick<Result, "notice" | "tone"> =>
  !outcome
    ? { notice: `${what} queued: the delivery log shows when it is delivered (a paused webhook sends nothing until resumed).`, tone: "success" }
    : outcome.state === "delivered"
      ? { notice: `${what} delivered (HTTP ${outcome.status}).`, tone: "success" }
      : { notice: `${what} not delivered: ${outcome.error} It will be retried.`, tone: "error" };

export const action = formAction(
  async ({ actor, form, params }) => {
    const intent = form.text("intent");
    const webhookId = form.text("webhookId");
    switch (intent) {
      case "create": {
        const { webhook, secret } = await createWebhook(db, actor, params.projectId ?? "", { url: form.text("url"), events: form.all("events") });
        // why: this answer is the only place the signing secret ever appears; it is stored sealed.
        return data<Result>({ intent, created: { url: webhook.url, secret } }, { headers: { "Cache-Control": "no-store" } });
      }
      case "pause":
      case "resume":
        await updateWebhook(db, actor, webhookId, { active: intent === "resume" });
        return data<Result>({ intent, notice: intent === "pause" ? "Webhook paused: it gets no new events until resumed." : "Webhook resumed.", tone: "success" });
      case "delete":
        await deleteWebhook(db, actor, webhookId);
        return data<Result>({ intent, notice: "Webhook deleted.", tone: "success" });
      case "test": {
        const { id } = await sendTestEvent(db, actor, webhookId);
        const [outcome] = await deliverDueWebhooks(db, { ids: [id] });
        return data<Result>({ intent, ...sentNotice("Test event", outcome) });
      }
      case "replay": {
        const { id } = await replayDelivery(db, actor, Number(form.text("deliveryId")));
        const [outcome] = await deliverDueWebhooks(db, { ids: [id] });
        return data<Result>({ intent, ...sentNotice("Replay", outcome) });
      }
      default:
        throw new ValidationError("Unknown action.");
    }
  },
  { extra: (form): Result => ({ intent: form.text("intent") }) },
);

export default function WebhooksPage() {
  const { project, webhooks, selectedId, log } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const selected = webhooks.find((w) => w.id === selectedId);
  return (
    <div className="mx-auto max-w-5xl">
      <PageHeader
        title="Webhooks"
        description={
          <Link to={`/projects/${project.id}/settings`} className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700">
            ← Back to {project.name} settings
          </Link>
        }
      />
      {result?.created ? <NewSecret url={result.created.url} secret={result.created.secret} /> : null}
      {result?.notice ? <Alert tone={result.tone ?? "success"}>{result.notice}</Alert> : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      <Section title="Endpoints" description="Loupe POSTs each event as JSON, signed with the webhook's secret (the Loupe-Signature header; see the README). A 2xx answer counts as delivered; anything else is retried with backoff for about 8 hours.">
        {webhooks.length === 0 ? (
          <p className="text-sm text-slate-600">No webhooks yet.</p>
        ) : (
          <ul aria-label="Webhooks" className="divide-y divide-slate-200 rounded-md border border-slate-200">
            {webhooks.map((w) => (
              <li key={w.id} className="flex flex-wrap items-start justify-between gap-3 p-4 text-sm">
                <div className="min-w-0">
                  <p className="break-all font-mono font-medium">{w.url}</p>
                  <p className="mt-1 text-slate-600">
                    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${w.active ? "bg-emerald-50 text-emerald-700" : "bg-amber-50 text-amber-800"}`}>{w.active ? "Active" : "Paused"}</span> {w.events.join(", ")}
                  </p>
                  <p className="mt-1 text-slate-500">
                    {w.pending} pending · {w.failed} failed · last delivered {w.lastDeliveredAt ? <DateTime value={w.lastDeliveredAt} withTime /> : "never"} ·{" "}
                    <Link to={`?webhook=${w.id}`} className="text-indigo-700 underline" aria-label={`Delivery log of ${w.url}`}>
                      Delivery log
                    </Link>
                  </p>
                </div>
                <div className="flex flex-wrap gap-2">
                  <PostForm aria-label={`Send a test event to ${w.url}`}>
                    <input type="hidden" name="webhookId" value={w.id} />
                    <Button name="intent" value="test" variant="secondary">Send test event</Button>
                  </PostForm>
                  <PostForm aria-label={`${w.active ? "Pause" : "Resume"} ${w.url}`}>
                    <input type="hidden" name="webhookId" value={w.id} />
                    <Button name="intent" value={w.active ? "pause" : "resume"} variant="secondary">{w.active ? "Pause" : "Resume"}</Button>
                  </PostForm>
                  <ConfirmAction label="Delete" subject={w.url} confirmLabel="Yes, delete this webhook" intent="delete" fields={{ webhookId: w.id }}>
                    Delete this webhook and its delivery log? Events are no longer sent to it.
                  </ConfirmAction>
                </div>
              </li>
            ))}
          </ul>
        )}
        <h3 className="mt-6 text-base font-semibold">Add a webhook</h3>
        <CreateForm result={result?.intent === "create" ? result : undefined} resetKey={result?.created?.secret} />
      </Section>
      {selected && log ? (
        <Section title="Delivery log" description={`Newest first, for ${selected.url}. Replay sends the same payload with the same event id (Loupe-Delivery), so receivers can ignore a copy.`}>
          <DeliveryLog deliveries={log.deliveries} />
          <div className="mt-3 flex gap-4 text-sm">
            {log.nextBefore ? (
              <Link to={`?webhook=${selected.id}&before=${log.nextBefore}`} className="text-indigo-700 underline">
                Older deliveries
              </Link>
            ) : null}
          </div>
        </Section>
      ) : null}
    </div>
  );
}

const stateStyles: Record<DeliveryView["state"], string> = { delivered: "bg-emerald-50 text-emerald-700", pending: "bg-amber-50 text-amber-800", failed: "bg-red-50 text-red-700" };

function DeliveryLog({ deliveries }: { deliveries: DeliveryView[] }) {
  if (!deliveries.length) return <p className="text-sm text-slate-600">No deliveries yet.</p>;
  return (
    <table className="w-full text-left text-sm" aria-label="Deliveries">
      <thead className="text-xs uppercase text-slate-500">
        <tr>
          <th className="py-2 pr-3">Event</th>
          <th className="py-2 pr-3">State</th>
          <th className="py-2 pr-3">Attempts</th>
          <th className="py-2 pr-3">Last answer</th>
          <th className="py-2 pr-3">Time</th>
          <th className="py-2" />
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200">
        {deliveries.map((d) => (
          <tr key={d.id} className="align-top">
            <td className="py-2 pr-3">
              <span className="font-medium">{d.event}</span>
              <span className="block font-mono text-xs text-slate-500">{d.eventId}</span>
            </td>
            <td className="py-2 pr-3">
              <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${stateStyles[d.state]}`}>{d.state === "delivered" ? "Delivered" : d.state === "pending" ? "Pending" : "Failed"}</span>
              {d.state === "pending" && d.nextAttemptAt ? (
                <span className="block text-xs text-slate-500">
                  next try <DateTime value={d.nextAttemptAt} withTime />
                </span>
              ) : null}
            </td>
            <td className="py-2 pr-3">{d.attempts}</td>
            <td className="py-2 pr-3 break-words">{d.lastStatus !== null ? `HTTP ${d.lastStatus}` : ""}{d.lastError ? <span className="block text-xs text-red-700">{d.lastError}</span> : null}</td>
            <td className="py-2 pr-3">
              <DateTime value={d.deliveredAt ?? d.createdAt} withTime />
            </td>
            <td className="py-2">
              <PostForm aria-label={`Replay delivery ${d.id}`}>
                <input type="hidden" name="deliveryId" value={d.id} />
                <Button name="intent" value="replay" variant="secondary">Replay</Button>
              </PostForm>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CreateForm({ result, resetKey }: { result?: Result; resetKey?: string }) {
  const busy = useNavigation().formData?.get("intent") === "create";
  const eventsError = Object.entries(result?.fieldErrors ?? {}).find(([name]) => name.startsWith("events"))?.[1];
  return (
    <PostForm key={resetKey ?? "create"} className="mt-3 max-w-3xl space-y-3" aria-label="Add a webhook">
      <input type="hidden" name="intent" value="create" />
      <Field label="Endpoint URL" name="url" type="url" required maxLength={2000} autoComplete="off" placeholder="https://example.com/hooks/loupe" error={result?.fieldErrors?.url} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Events</legend>
        {webhookEvents.map((event) => (
          <CheckboxField key={event} label={event} name="events" value={event} hint={WEBHOOK_EVENTS[event]} />
        ))}
        {eventsError ? <p className="text-sm text-red-700">{eventsError}</p> : null}
      </fieldset>
      <Button disabled={busy}>{busy ? "Adding…" : "Add webhook"}</Button>
    </PostForm>
  );
}

function NewSecret({ url, secret }: { url: string; secret: string }) {
  return (
    <section aria-labelledby="new-secret-heading" className="mb-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4 sm:p-6">
      <h2 id="new-secret-heading" className="break-all text-base font-semibold text-emerald-900">
        Signing secret for {url}
      </h2>
      <p className="mt-1 text-sm text-emerald-900">Copy it now: it will not be shown again. Your endpoint uses it to check the Loupe-Signature header.</p>
      <label htmlFor="new-webhook-secret" className="sr-only">
        Signing secret
      </label>
      <input id="new-webhook-secret" readOnly value={secret} onFocus={(event) => event.currentTarget.select()} className="mt-3 block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-300" />
    </section>
  );
}
