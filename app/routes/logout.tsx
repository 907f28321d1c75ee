import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { sessionCookie } from "~/modules/auth/cookies.server";
import { revokeSession } from "~/modules/auth/sessions.server";

/** Revokes the session on the server (not only the cookie), so a copied cookie stops working too. */
export async function action({ context }: ActionFunctionArgs) {
  if (context.sessionToken) await revokeSession(db, context.sessionToken);
  return redirect("/login", {
    headers: { "Set-Cookie": await sessionCookie(context.secureCookies).serialize("", { maxAge: 0 }) },
  });
}

export async function loader() {
  return redirect("/");
}
