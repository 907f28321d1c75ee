import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { sessionCookie } from "~/modules/auth/cookies.server";
import { logIn } from "~/modules/auth/log-in.server";
import { createFirstAdmin, hasAnyUser, isSetupTokenValid } from "~/modules/auth/setup.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/schemas";
import type { FormErrors } from "~/utils/http.server";
import { formAction } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [{ title: "Set up Loupe" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await hasAnyUser(db)) throw redirect("/login");
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { token, valid: token !== "" && (await isSetupTokenValid(db, token)) };
}

export const action = formAction(
  async ({ form, context }) => {
    const { email, name, password } = form.pick("email", "name", "password");
    if (password !== form.text("confirm")) return data<FormErrors>({ fieldErrors: { confirm: "The two passwords differ." } }, { status: 400 });
    await createFirstAdmin(db, { email, name, password, token: form.text("token") });
    const session = await logIn(db, { email, password, ip: context.clientIp });
    return redirect("/projects", {
      headers: { "Set-Cookie": await sessionCookie(context.secureCookies).serialize(session.token) },
    });
  },
  { anonymous: true },
);

export default function Setup() {
  const { token, valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (!valid) {
    return (
      <div className="mx-auto max-w-md py-10">
        <h1 className="text-2xl font-bold">Set up Loupe</h1>
        <div className="mt-6">
          <Alert tone="error">
            This setup link is missing, invalid or expired. Use the link Loupe printed when it started, or restart it to
            get a new one.
          </Alert>
        </div>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-md py-10">
      <h1 className="text-2xl font-bold">Create the admin account</h1>
      <p className="mt-2 text-sm text-slate-600">
        This account manages users and projects. The link stops working once the account exists.
      </p>
      <PostForm className="mt-6 space-y-4">
        <input type="hidden" name="token" value={token} />
        {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
        <Field label="Your name" name="name" autoComplete="name" required error={result?.fieldErrors?.name} />
        <Field label="Email" name="email" type="email" autoComplete="username" required error={result?.fieldErrors?.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          required
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={result?.fieldErrors?.password}
        />
        <Field label="Repeat the password" name="confirm" type="password" autoComplete="new-password" required error={result?.fieldErrors?.confirm} />
        <Button className="w-full" disabled={busy}>
          {busy ? "Creating…" : "Create admin account"}
        </Button>
      </PostForm>
    </div>
  );
}
