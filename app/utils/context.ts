import type { SessionUser } from "~/modules/auth/sessions.server";

/** What the Express layer hands every loader and action (see server/app.ts). */
export type LoupeContext = {
  cspNonce: string;
  user: SessionUser | null;
  sessionToken: string | null;
  csrfToken: string;
  clientIp: string;
  secureCookies: boolean;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LoupeContext {}
}
