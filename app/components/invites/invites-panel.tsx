import { useNavigation } from "@remix-run/react";
import { ConfirmAction } from "~/components/confirm-action";
import { DateTime } from "~/components/date-time";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { SelectField } from "~/components/ui/select-field";
import { projectRoles, roleLabels, type ProjectRole } from "~/modules/projects/policy";

/** An invite as its lists show it (dates as the loader serialised them); never its token. */
export type ListedInvite = {
  id: string;
  email: string;
  role: string | null;
  state: "pending" | "used" | "expired" | "revoked";
  createdAt: string | Date;
  expiresAt: string | Date;
  sentAt: string | Date | null;
  sendError: string | null;
  createdByName: string | null;
};
type Shown = { email: string; link: string; expiresAt: string; mail: { state: "off" } | { state: "sent" } | { state: "failed"; error: string } };
export type InvitesResult = { target?: string; notice?: string; invite?: Shown; formError?: string; fieldErrors?: Record<string, string> };

const roleOptions = projectRoles.map((role) => ({ value: role, label: roleLabels[role] }));
const stateLabels = { pending: "Pending", used: "Used", expired: "Expired", revoked: "Revoked" } as const;

/**
 * "Invite by link" (for an email): the form, the link just made (shown once, to copy), and the invites so far
 * with revoke and resend. With `withRole`, the invite is into the page's project with a role.
 */
export function InvitesPanel({ invites, result, withRole, canMail }: { invites: ListedInvite[]; result: InvitesResult | undefined; withRole: boolean; canMail: boolean }) {
  const ours = result?.target && /^(invite|revoke-invite|resend-invite):/.test(result.target) ? result : undefined;
  const rowError = (id: string) => (ours && ours.target !== "invite:" && ours.target?.endsWith(`:${id}`) ? ours.formError : undefined);
  return (
    <div className="mt-6 border-t border-slate-200 pt-4">
      <h3 id="invite-heading" className="text-base font-semibold">
        Invite by link
      </h3>
      <p className="mt-1 text-sm text-slate-600">
        {canMail ? "Loupe emails them a one-time link; you can also copy it." : "You get a one-time link to give them; set LOUPE_SMTP_URL to have Loupe email it."} They
        choose their own name and password.
      </p>
      {ours?.invite ? <InviteLink {...ours.invite} /> : null}
      {ours?.notice ? <Alert tone="success">{ours.notice}</Alert> : null}
      <InviteForm result={ours?.target === "invite:" ? ours : undefined} withRole={withRole} />
      {invites.length ? (
        <ul aria-label="Invites" className="mt-4 divide-y divide-slate-200">
          {invites.map((invite) => (
            <li key={invite.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0 text-sm">
                <p className="break-all font-medium">{invite.email}</p>
                <p className="text-slate-600">
                  {stateLabels[invite.state]}
                  {invite.role ? ` · ${roleLabels[invite.role as ProjectRole]}` : ""} · {invite.state === "pending" ? "until " : "made "}
                  <DateTime value={invite.state === "pending" ? invite.expiresAt : invite.createdAt} withTime={invite.state === "pending"} />
                  {invite.createdByName ? ` by ${invite.createdByName}` : ""}
                  {invite.sentAt && !invite.sendError ? " · emailed" : ""}
                </p>
                {invite.sendError && invite.state === "pending" ? <p className="text-red-700">Email not sent: {invite.sendError}</p> : null}
              </div>
              {invite.state === "pending" || invite.state === "expired" ? (
                <div className="flex flex-col gap-2 sm:items-end">
                  <div className="flex flex-wrap gap-2">
                    <PostForm>
                      <input type="hidden" name="intent" value="resend-invite" />
                      <input type="hidden" name="inviteId" value={invite.id} />
                      <Button variant="secondary">
                        {canMail ? "Resend" : "New link"}
                        <span className="sr-only"> for {invite.email}</span>
                      </Button>
                    </PostForm>
                    <ConfirmAction label="Revoke" subject={invite.email} confirmLabel={`Yes, revoke the invite for ${invite.email}`} intent="revoke-invite" fields={{ inviteId: invite.id }}>
                      Revoke the invite for {invite.email}? Its link stops working at once.
                    </ConfirmAction>
                  </div>
                  {rowError(invite.id) ? (
                    <p role="alert" className="text-sm text-red-700">
                      {rowError(invite.id)}
                    </p>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function InviteForm({ result, withRole }: { result: InvitesResult | undefined; withRole: boolean }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "invite";
  return (
    // why: a new key after each link made clears the fields for the next person. The form is named
    // by its heading, which says no "Email", so the add-member and create-user fields keep that label alone.
    <PostForm key={result?.invite?.link ?? "invite"} className="mt-3" aria-labelledby="invite-heading">
      <input type="hidden" name="intent" value="invite" />
      {result?.formError ? (
        <div className="mb-3">
          <Alert tone="error">{result.formError}</Alert>
        </div>
      ) : null}
      <div className={`grid gap-3 sm:items-start ${withRole ? "sm:grid-cols-[1fr_10rem_7rem_auto]" : "sm:grid-cols-[1fr_7rem_auto]"}`}>
        {/* why: not labelled "Email", which the add-member and create-user forms beside it answer to. */}
        <Field label="Who to invite" hint="Their email address." name="email" type="email" autoComplete="off" required error={result?.fieldErrors?.email} />
        {withRole ? <SelectField label="Invite as" name="role" defaultValue="reviewer" options={roleOptions} error={result?.fieldErrors?.role} /> : null}
        <Field label="Days valid" name="expiresInDays" type="number" min={1} max={30} defaultValue={7} required error={result?.fieldErrors?.expiresInDays} />
        <Button className="sm:mt-6" disabled={busy}>
          {busy ? "Inviting…" : "Make invite link"}
        </Button>
      </div>
    </PostForm>
  );
}

function InviteLink({ email, link, expiresAt, mail }: Shown) {
  return (
    <section aria-labelledby="invite-link-heading" className="my-4 rounded-lg border border-emerald-300 bg-emerald-50 p-4">
      <h4 id="invite-link-heading" className="text-sm font-semibold text-emerald-900">
        Invite link for {email}
      </h4>
      <p className="mt-1 text-sm text-emerald-900">
        {mail.state === "sent" ? "It was emailed to them. " : "Give it to them over a channel you trust. "}
        It works once, until <DateTime value={expiresAt} withTime />, and it will not be shown again.
      </p>
      {mail.state === "failed" ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          Email not sent: {mail.error}
        </p>
      ) : null}
      <label htmlFor="invite-link" className="sr-only">
        Invite link
      </label>
      <input
        id="invite-link"
        readOnly
        value={link}
        onFocus={(event) => event.currentTarget.select()}
        className="mt-3 block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-300"
      />
    </section>
  );
}
