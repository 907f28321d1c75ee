import type { MetaFunction } from "@remix-run/node";
import { useActionData, useNavigation } from "@remix-run/react";
import { PageHeader } from "~/components/page-header";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { changePassword } from "~/modules/auth/change-password.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/schemas";
import { formAction, pageLoader } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Password · Loupe" }];

export const loader = pageLoader(async () => null);

export const action = formAction(async ({ actor, form, context }) => {
  await changePassword(db, actor, { ...form.pick("currentPassword", "newPassword", "confirmPassword"), sessionToken: context.sessionToken });
  return { notice: "Your password is changed. You stay signed in here; every other session has ended." };
});

export default function ChangePassword() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const notice = result && "notice" in result ? result.notice : undefined;
  const errors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  return (
    <div className="mx-auto max-w-md">
      <PageHeader title="Password" description="Change the password you sign in with. Other browsers and devices signed in as you are signed out." />
      {/* why: a new key after a change empties the fields. */}
      <PostForm key={notice ?? "change"} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {result && "formError" in result && result.formError ? <Alert tone="error">{result.formError}</Alert> : null}
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors?.currentPassword} />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={errors?.newPassword}
        />
        <Field label="New password again" name="confirmPassword" type="password" autoComplete="new-password" required error={errors?.confirmPassword} />
        <Button disabled={busy}>{busy ? "Changing…" : "Change password"}</Button>
      </PostForm>
    </div>
  );
}
