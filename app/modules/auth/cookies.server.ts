import { createCookie } from "@remix-run/node";
import { env } from "~/utils/env.server";
import { hmac } from "./crypto.server";

export const SESSION_COOKIE = "loupe_session";
export const ANON_COOKIE = "loupe_anon";

// why: Remix cookies default to neither HttpOnly nor Secure; both are set explicitly here.
function cookie(name: string, secure: boolean, maxAge?: number) {
  return createCookie(name, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge,
    secrets: [env().sessionSecret],
  });
}

export const sessionCookie = (secure: boolean, maxAgeSeconds?: number) => cookie(SESSION_COOKIE, secure, maxAgeSeconds);
export const anonCookie = (secure: boolean) => cookie(ANON_COOKIE, secure);

/** The form token for a browser: bound to its session token, or before sign-in to its anonymous cookie. */
export function csrfTokenFor(binding: string): string {
  return hmac(env().sessionSecret, `csrf:${binding}`);
}
