import { data, redirect, type AppLoadContext } from "@remix-run/node";
import type { Actor } from "~/modules/auth/actor";
import { env } from "./env.server";
import { ConflictError, DomainError, RateLimitedError, ValidationError } from "./errors";
import { httpAnswerOf } from "./http-errors";

/** The signed-in browser user as an Actor, or a redirect to the sign-in page. */
export function requireActor(context: AppLoadContext, request: Request): Actor {
  if (!context.user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return { userId: context.user.id, isAdmin: context.user.isAdmin, via: "session" };
}

/** Where people reach this Loupe: LOUPE_PUBLIC_URL when set (behind a proxy), else the request's own origin. */
export function publicOrigin(request: Request): string {
  return env().publicUrl ?? new URL(request.url).origin;
}

export type FormErrors = { formError?: string; fieldErrors?: Record<string, string> };

/**
 * Turns a domain error into what a form action returns: field messages for validation,
 * a form-level message otherwise, with the matching status. Anything else is rethrown.
 * `extra` is sent back with it (which form it answers, what was typed); `conflictField` puts a
 * ConflictError's message next to the field it is about.
 */
export function formError<E extends object = object>(
  error: unknown,
  options: { extra?: E; conflictField?: string } = {},
) {
  const extra = (options.extra ?? {}) as E;
  const reply = (body: FormErrors, init: ResponseInit) => data<FormErrors & E>({ ...extra, ...body }, init);
  if (error instanceof ValidationError) {
    const fieldErrors = Object.fromEntries(error.issues.map((i) => [i.field, i.message]));
    return reply({ formError: error.issues.length ? undefined : error.message, fieldErrors }, { status: 400 });
  }
  if (error instanceof ConflictError && options.conflictField) {
    return reply({ fieldErrors: { [options.conflictField]: error.message } }, { status: 409 });
  }
  if (error instanceof RateLimitedError) {
    const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
    return reply(
      { formError: `${error.message} Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` },
      { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
    );
  }
  if (error instanceof DomainError) return reply({ formError: error.message }, { status: error.status });
  throw error;
}

/** For loaders: a domain error becomes a thrown response the route's ErrorBoundary shows. */
export function throwAsResponse(error: unknown): never {
  if (error instanceof DomainError) throw data(error.message, { status: error.status });
  throw error;
}

/**
 * The resource routes' throwAsResponse (downloads, JSON a page polls): a domain error becomes a
 * plain-text answer with its status and its own words. why: Remix answers a `data()` thrown from a
 * resource route with "Unexpected Server Error" and logs it as a failure, so a refusal lost its
 * words and filled the error log.
 */
export function throwAsResourceResponse(error: unknown): never {
  const answer = httpAnswerOf(error);
  if (answer.log !== "no") throw error;
  throw new Response(answer.message, { status: answer.status, headers: { ...answer.headers, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

// why: any origin works for telling a same-origin path from one that leaves; this one cannot resolve.
const PLACEHOLDER_ORIGIN = "http://loupe.invalid";

/**
 * Only a path that stays on this origin, so ?redirectTo= cannot send people elsewhere. The value
 * is parsed as a browser would (the WHATWG URL parser drops tabs and newlines and reads `\` as
 * `/`) against the app's origin, and what comes back is the parsed path, checked once more:
 * `/.//x` parses to the path `//x`, which a browser would take for the host `x`.
 */
export function safeRedirectPath(
  to: FormDataEntryValue | string | null | undefined,
  fallback = "/projects",
  origin = PLACEHOLDER_ORIGIN,
): string {
  if (typeof to !== "string" || !to.startsWith("/")) return fallback;
  const parsed = sameOrigin(to, origin);
  if (!parsed) return fallback;
  const path = parsed.pathname + parsed.search + parsed.hash;
  return !path.startsWith("//") && sameOrigin(path, origin) ? path : fallback;
}

function sameOrigin(path: string, origin: string): URL | null {
  try {
    const url = new URL(path, origin);
    return url.origin === new URL(origin).origin ? url : null;
  } catch {
    return null;
  }
}
