import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { findPasswordReset, RESET_LINK_MESSAGES, resetPassword } from "~/modules/auth/reset-password.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/schemas";
import { formAction } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Set a new password · Loupe" }];

// why: the address holds a secret; keep it out of caches and of Referer headers.
export const headers = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

export async function loader({ params }: LoaderFunctionArgs) {
  const link = await findPasswordReset(db, params.token ?? "");
  return link.state === "valid" ? { state: link.state, email: link.email } : { state: link.state, message: RESET_LINK_MESSAGES[link.state] };
}

export const action = formAction(
  async ({ form, params, context }) => {
    const { email } = await resetPassword(db, { token: params.token ?? "", ...form.pick("newPassword", "confirmPassword"), ip: context.clientIp });
    return redirect(`/login?reset=done&email=${encodeURIComponent(email)}`);
  },
  { anonymous: true },
);

export default function ResetPassword() {
  const link = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-2xl font-bold">Set a new password</h1>
      {link.state !== "valid" ? (
        <div className="mt-6">
          <Alert tone="error">{link.message}</Alert>
        </div>
      ) : (
        <PostForm className="mt-6 space-y-4">
          <p className="text-sm text-slate-600">
            For <strong className="break-all font-medium text-slate-900">{link.email}</strong>. This link works once; afterwards, sign in with the new password.
          </p>
          {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            autoFocus
            minLength={MIN_PASSWORD_LENGTH}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            error={result?.fieldErrors?.newPassword}
          />
          <Field label="New password again" name="confirmPassword" type="password" autoComplete="new-password" required error={result?.fieldErrors?.confirmPassword} />
          <Button className="w-full" disabled={busy}>
            {busy ? "Saving…" : "Set password"}
          </Button>
        </PostForm>
      )}
    </div>
  );
}
