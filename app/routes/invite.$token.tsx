import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { sessionCookie } from "~/modules/auth/cookies.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/schemas";
import { acceptInvite, findInvite, INVITE_LINK_MESSAGES } from "~/modules/invites/accept-invite.server";
import { roleLabels } from "~/modules/projects/policy";
import { formAction } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Accept an invite · Loupe" }];

// why: the address holds a secret; keep it out of caches and of Referer headers.
export const headers = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = await findInvite(db, params.token ?? "");
  if (link.state !== "valid") return { state: link.state, message: INVITE_LINK_MESSAGES[link.state] };
  const { accountId, ...shown } = link;
  const signedInAs = context.user ? { email: context.user.email, isInvitee: context.user.id === accountId } : null;
  // why: back to this page after signing in; only the path is ever logged, never the query.
  const signInPath = `/login?redirectTo=${encodeURIComponent(`/invite/${params.token ?? ""}`)}`;
  return { ...shown, hasAccount: accountId !== null, signedInAs, signInPath };
}

export const action = formAction(
  async ({ form, params, context, request }) => {
    const accepted = await acceptInvite(db, {
      token: params.token ?? "",
      ip: context.clientIp,
      userAgent: request.headers.get("user-agent"),
      signedIn: context.user ? { userId: context.user.id, sessionToken: context.sessionToken } : null,
      ...form.pick("name", "newPassword", "confirmPassword"),
    });
    const maxAge = Math.floor((accepted.session.expiresAt.getTime() - Date.now()) / 1000);
    return redirect(accepted.projectId ? `/projects/${accepted.projectId}` : "/projects", {
      headers: { "Set-Cookie": await sessionCookie(context.secureCookies, maxAge).serialize(accepted.session.token) },
    });
  },
  { anonymous: true },
);

export default function AcceptInvite() {
  const link = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (link.state !== "valid") {
    return (
      <div className="mx-auto max-w-sm py-10">
        <h1 className="text-2xl font-bold">Invite</h1>
        <div className="mt-6">
          <Alert tone="error">{link.message}</Alert>
        </div>
      </div>
    );
  }
  const into = link.projectName && link.role ? `the project “${link.projectName}” as ${roleLabels[link.role].toLowerCase()}` : "this Loupe";
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-2xl font-bold">You are invited</h1>
      <p className="mt-4 text-sm text-slate-600">
        {link.inviterName ?? "An admin"} invited <strong className="break-all font-medium text-slate-900">{link.email}</strong> to {into}.
      </p>
      {result?.formError ? (
        <div className="mt-4">
          <Alert tone="error">{result.formError}</Alert>
        </div>
      ) : null}
      {link.hasAccount ? (
        link.signedInAs?.isInvitee ? (
          <PostForm className="mt-6">
            <Button className="w-full" disabled={busy}>
              {busy ? "Joining…" : "Join the project"}
            </Button>
          </PostForm>
        ) : (
          <div className="mt-6 space-y-3 text-sm">
            <Alert tone="info">{`${link.email} already has an account. Sign in as ${link.email}, then open this link again to join.`}</Alert>
            {link.signedInAs ? null : (
              <Link className="font-medium text-indigo-700 underline" to={link.signInPath}>
                Sign in as {link.email}
              </Link>
            )}
          </div>
        )
      ) : link.signedInAs ? (
        <div className="mt-6">
          <Alert tone="info">{`You are signed in as ${link.signedInAs.email}. This invite is for a new account: sign out, then open this link again.`}</Alert>
        </div>
      ) : (
        <PostForm className="mt-6 space-y-4">
          <p className="text-sm text-slate-600">Choose your name and a password. This link works once; afterwards, sign in with this email and password.</p>
          <Field label="Your name" name="name" autoComplete="name" required autoFocus maxLength={120} error={result?.fieldErrors?.name} />
          <Field
            label="Password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            error={result?.fieldErrors?.newPassword}
          />
          <Field label="Password again" name="confirmPassword" type="password" autoComplete="new-password" required error={result?.fieldErrors?.confirmPassword} />
          <Button className="w-full" disabled={busy}>
            {busy ? "Joining…" : "Join"}
          </Button>
        </PostForm>
      )}
    </div>
  );
}
