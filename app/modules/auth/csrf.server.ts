import type { LoupeContext } from "~/utils/context";
import { safeEqual } from "./crypto.server";

/** The form field and the header a state-changing browser request carries its token in. */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/**
 * Whether a submitted form token is this session's (or this anonymous visitor's): why not, or
 * null when it is. The Express edge checks it for every page request before Remix runs; an upload,
 * whose body streams, checks it in its action from the field sent before the file (ADR 0003).
 */
export function checkCsrfToken(submitted: string | null | undefined, context: LoupeContext): string | null {
  if (!submitted) return "the form token is missing; reload the page and try again.";
  if (!context.csrfToken || !safeEqual(submitted, context.csrfToken)) return "the form token does not match your session; reload the page and try again.";
  return null;
}
