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
  /**
   * What the app learns about the request that the edge logs after the answer: the API's actor
   * (known only once its key is checked). One object per request, shared by reference.
   */
  observed?: { actor?: string };
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LoupeContext {}
}
