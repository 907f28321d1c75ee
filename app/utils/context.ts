import type { SessionUser } from "~/modules/auth/sessions.server";

/** What the Express layer hands every loader and action (see server/app.ts). */
export type LoupeContext = {
  cspNonce: string;
  user: SessionUser | null;
  sessionToken: string | null;
  csrfToken: string;
  clientIp: string;
  secureCookies: boolean;
  /**
   * Aborted when the client closes the connection before the answer. Read this rather than
   * `request.signal`: Remix hands routes copies of the request, each following the one before
   * through a WeakRef (undici), so after a garbage collection a copy's signal may never abort.
   */
  signal?: AbortSignal;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LoupeContext {}
}
