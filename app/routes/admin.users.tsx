import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { DateTime } from "~/components/date-time";
import { InvitesPanel } from "~/components/invites/invites-panel";
import { PageHeader, Section } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CheckboxField } from "~/components/ui/checkbox-field";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { createPasswordReset, resetLinkMail } from "~/modules/auth/create-password-reset.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/schemas";
import { handleInviteIntent } from "~/modules/invites/invite-intents.server";
import { listInvites } from "~/modules/invites/queries.server";
import { createUser } from "~/modules/users/create-user.server";
import { listUsers } from "~/modules/users/queries.server";
import type { InviteResult } from "~/modules/invites/invite-intents.server";
import { setCanCreateProjects } from "~/modules/users/set-can-create-projects.server";
import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import { instanceSettings } from "~/utils/env.server";
import { mailConfigured, MailNotSentError, sendMail } from "~/utils/mail.server";
import { ValidationError } from "~/utils/errors";
import { publicOrigin, type FormErrors } from "~/utils/http.server";
import { formAction, pageLoader, type FormReader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { parseOrThrow } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Users · Loupe" }];

export const loader = pageLoader(async ({ actor }) => {
  const [users, invites] = await Promise.all([listUsers(db, actor), listInvites(db, actor, null)]);
  return { users, invites, myId: actor.userId, projectCreators: instanceSettings().projectCreators, canMail: mailConfigured() };
});

type Result = FormErrors & {
  target?: string;
  notice?: string;
  values?: { email: string; name: string };
  reset?: { email: string; link: string; expiresAt: string; mailed: boolean; mailError?: string };
  invite?: InviteResult["invite"];
};
const userRef = z.object({ userId: z.uuid({ error: "Choose a user." }) });

const targetOf = (form: FormReader) => `${form.text("intent")}:${form.text("userId") || form.text("inviteId")}`;

export const action = formAction(
  async ({ actor, form, request }) => {
    const target = targetOf(form);
    const intent = form.text("intent");
    const userId = form.pick("userId");
    const invited = await handleInviteIntent(db, actor, form, { projectId: null, origin: publicOrigin(request) });
    // why: this response is the only place an invite link appears; only its hash is stored.
    if (invited) return data<Result>(invited, { headers: { "Cache-Control": "no-store" } });
    if (intent === "create") {
      const user = await createUser(db, actor, {
        ...form.pick("email", "name", "password"),
        isAdmin: form.checked("isAdmin"),
        canCreateProjects: form.checked("canCreateProjects"),
      });
      return data<Result>({ target, notice: `Created ${user.name} (${user.email}). Give them their password in person or over a secure channel.` });
    }
    if (intent === "disable" || intent === "enable") {
      await setUserDisabled(db, actor, { ...parseOrThrow(userRef, userId), disabled: intent === "disable" });
      return data<Result>({ target, notice: intent === "disable" ? "User disabled; their sessions have ended." : "User enabled." });
    }
    if (intent === "allow-projects" || intent === "stop-projects") {
      await setCanCreateProjects(db, actor, { ...parseOrThrow(userRef, userId), allowed: intent === "allow-projects" });
      return data<Result>({ target, notice: intent === "allow-projects" ? "They may now create projects." : "They can no longer create projects." });
    }
    if (intent === "reset-link" || intent === "mail-reset-link") {
      const mail = intent === "mail-reset-link";
      const reset = await createPasswordReset(db, actor, { ...parseOrThrow(userRef, userId), mailRequested: mail });
      const link = `${publicOrigin(request)}${reset.path}`;
      let mailError: string | undefined;
      if (mail) await sendMail(resetLinkMail(reset.user, link, reset.expiresAt)).catch((e: unknown) => (mailError = e instanceof MailNotSentError ? e.message : "The mail could not be sent."));
      const shown = { email: reset.user.email, link, expiresAt: reset.expiresAt.toISOString(), mailed: mail && !mailError, mailError };
      // why: this response is the only place the link appears; only its hash is stored.
      return data<Result>({ target, reset: shown }, { headers: { "Cache-Control": "no-store" } });
    }
    throw new ValidationError("Unknown action.");
  },
  // why: the only conflict on create is an email already taken.
  { extra: (form): Result => ({ target: targetOf(form), values: form.pick("email", "name") }), conflictField: "email" },
);

export default function AdminUsers() {
  const { users, invites, myId, projectCreators, canMail } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const rowError = (userId: string) =>
    result?.target?.endsWith(`:${userId}`) && !/^(create|invite|revoke-invite|resend-invite):/.test(result.target) ? (result.formError ?? result.fieldErrors?.userId) : undefined;
  return (
    <div>
      <PageHeader title="Users" description="Everyone who can sign in to this Loupe. There is no open sign-up: accounts are created here." />
      <p className="mb-4 text-sm text-slate-600">
        {projectCreators === "everyone"
          ? "Everyone with an account may create projects (LOUPE_PROJECT_CREATORS=everyone)."
          : "Admins and the users marked “May create projects” can create projects (set LOUPE_PROJECT_CREATORS=everyone to let everyone)."}
      </p>
      {result?.notice && !result.target?.includes("invite") ? <Alert tone="success">{result.notice}</Alert> : null}
      {result?.reset ? <ResetLink {...result.reset} /> : null}
      <ul aria-label="Users" className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
        {users.map((user) => (
          <li key={user.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
            <div className="min-w-0 text-sm">
              <p className="flex flex-wrap items-center gap-x-2 gap-y-1 font-medium">
                <span className="break-words">{user.name}</span>
                {user.id === myId ? <span className="font-normal text-slate-500">(you)</span> : null}
                {user.isAdmin ? <Badge tone="indigo">Admin</Badge> : null}
                {!user.isAdmin && user.canCreateProjects ? <Badge tone="indigo">May create projects</Badge> : null}
                {user.disabledAt ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}
              </p>
              <p className="mt-1 break-all text-slate-600">{user.email}</p>
              <p className="mt-1 text-slate-500">
                Created <DateTime value={user.createdAt} />
              </p>
            </div>
            <div className="flex flex-wrap gap-2 sm:justify-end sm:text-right">
              {user.id === myId ? null : (
                <PostForm>
                  <input type="hidden" name="intent" value="reset-link" />
                  <input type="hidden" name="userId" value={user.id} />
                  <Button variant="secondary">
                    Make reset link<span className="sr-only"> for {user.email}</span>
                  </Button>
                </PostForm>
              )}
              {user.id === myId || !canMail ? null : (
                <PostForm>
                  <input type="hidden" name="intent" value="mail-reset-link" />
                  <input type="hidden" name="userId" value={user.id} />
                  <Button variant="secondary">
                    Mail reset link<span className="sr-only"> to {user.email}</span>
                  </Button>
                </PostForm>
              )}
              {user.isAdmin ? null : (
                <PostForm>
                  <input type="hidden" name="intent" value={user.canCreateProjects ? "stop-projects" : "allow-projects"} />
                  <input type="hidden" name="userId" value={user.id} />
                  <Button variant="secondary">
                    {user.canCreateProjects ? "Stop project creation" : "Allow project creation"}
                    <span className="sr-only"> for {user.email}</span>
                  </Button>
                </PostForm>
              )}
              {user.id === myId ? null : (
                <PostForm>
                  <input type="hidden" name="intent" value={user.disabledAt ? "enable" : "disable"} />
                  <input type="hidden" name="userId" value={user.id} />
                  <Button variant={user.disabledAt ? "secondary" : "danger"}>
                    {user.disabledAt ? "Enable" : "Disable"}
                    <span className="sr-only"> {user.email}</span>
                  </Button>
                </PostForm>
              )}
              {rowError(user.id) ? (
                <p role="alert" className="mt-1 w-full text-sm text-red-700">
                  {rowError(user.id)}
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <Section title="Invite people" description="A one-time link for an email; the person chooses their own name and password. To invite into a project with a role, use that project's Members section.">
        <InvitesPanel invites={invites} result={result} withRole={false} canMail={canMail} />
      </Section>
      <CreateUserForm result={result?.target?.startsWith("create") ? result : undefined} />
    </div>
  );
}

function ResetLink({ email, link, expiresAt, mailed, mailError }: NonNullable<Result["reset"]>) {
  return (
    <section aria-labelledby="reset-link-heading" className="mb-6 rounded-lg border border-emerald-300 bg-emerald-50 p-4 sm:p-6">
      <h2 id="reset-link-heading" className="text-base font-semibold text-emerald-900">
        Password reset link for {email}
      </h2>
      <p className="mt-1 text-sm text-emerald-900">
        {mailed ? "It was mailed to them. " : "Give it to them over a channel you trust. "}
        It works once, until <DateTime value={expiresAt} withTime />, and it will not be shown again.
      </p>
      {mailError ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {mailError}
        </p>
      ) : null}
      <label htmlFor="reset-link" className="sr-only">
        Reset link
      </label>
      <input
        id="reset-link"
        readOnly
        value={link}
        onFocus={(event) => event.currentTarget.select()}
        className="mt-3 block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-300"
      />
    </section>
  );
}

function CreateUserForm({ result }: { result: Result | undefined }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  return (
    <Section title="Create a user" description="They sign in with this email and password; tell them to keep the password safe.">
      <PostForm key={result?.notice ?? "create"} className="grid max-w-xl gap-4">
        <input type="hidden" name="intent" value="create" />
        {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
        <Field label="Email" name="email" type="email" autoComplete="off" required defaultValue={result?.values?.email} error={result?.fieldErrors?.email} />
        <Field label="Name" name="name" autoComplete="off" required maxLength={120} defaultValue={result?.values?.name} error={result?.fieldErrors?.name} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={result?.fieldErrors?.password}
        />
        <CheckboxField label="Admin" name="isAdmin" hint="Admins manage users and can see and manage every project." />
        <CheckboxField label="May create projects" name="canCreateProjects" hint="They can start projects of their own and manage them." />
        <div>
          <Button disabled={busy}>{busy ? "Creating…" : "Create user"}</Button>
        </div>
      </PostForm>
    </Section>
  );
}

const badgeTones = { indigo: "bg-indigo-50 text-indigo-700", red: "bg-red-50 text-red-700", green: "bg-emerald-50 text-emerald-700" } as const;

function Badge({ tone, children }: { tone: keyof typeof badgeTones; children: string }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${badgeTones[tone]}`}>{children}</span>;
}
