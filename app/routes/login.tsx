import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { PostForm } from "~/components/ui/form";
import { db } from "~/db.server";
import { sessionCookie } from "~/modules/auth/cookies.server";
import { logIn } from "~/modules/auth/log-in.server";
import { loginSchema } from "~/modules/auth/schemas";
import { hasAnyUser } from "~/modules/auth/setup.server";
import { safeRedirectPath } from "~/utils/http.server";
import { formAction } from "~/utils/route.server";
export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
import { parseOrThrow } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Sign in · Loupe" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.user) throw redirect("/projects");
  return { needsSetup: !(await hasAnyUser(db)) };
}

export const action = formAction(
  async ({ form, request, context }) => {
    const input = parseOrThrow(loginSchema, form.pick("email", "password"));
    const session = await logIn(db, { ...input, ip: context.clientIp, userAgent: request.headers.get("user-agent") });
    const maxAge = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
    return redirect(safeRedirectPath(form.data.get("redirectTo"), "/projects", new URL(request.url).origin), {
      headers: { "Set-Cookie": await sessionCookie(context.secureCookies, maxAge).serialize(session.token) },
    });
  },
  { anonymous: true },
);

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-2xl font-bold">Sign in to Loupe</h1>
      <PostForm className="mt-6 space-y-4" aria-describedby={result?.formError ? "login-error" : undefined}>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        {params.get("reset") === "done" && !result ? <Alert tone="success">Your new password is set. Sign in with it.</Alert> : null}
        {result?.formError ? (
          <div id="login-error">
            <Alert tone="error">{result.formError}</Alert>
          </div>
        ) : null}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          defaultValue={params.get("email") ?? undefined}
          error={result?.fieldErrors?.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={result?.fieldErrors?.password}
        />
        <Button className="w-full" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </PostForm>
      <p className="mt-6 text-sm text-slate-500">No account? Ask an admin of this Loupe to create one for you.</p>
    </div>
  );
}
