import { useRouteLoaderData } from "@remix-run/react";

/** The per-session form token every state-changing form carries (checked in server/csrf.ts). */
export function CsrfInput() {
  const data = useRouteLoaderData<{ csrfToken: string }>("root");
  return <input type="hidden" name="_csrf" value={data?.csrfToken ?? ""} />;
}
