import { randomBytes } from "node:crypto";
import { closeDb, db, connectDatabase } from "~/db.server";
import { startJobs, stopJobs } from "~/jobs/boss.server";
import { anonCookie, csrfTokenFor, sessionCookie } from "~/modules/auth/cookies.server";
import { checkCsrfToken } from "~/modules/auth/csrf.server";
import { findSessionUser } from "~/modules/auth/sessions.server";
import { findWidgetKey, frameAncestorsOf } from "~/modules/feedback/widget-key.server";
import { createFirstAdmin, issueSetupToken } from "~/modules/auth/setup.server";
import type { LoupeContext } from "~/utils/context";
import { EnvError, loadEnv } from "~/utils/env.server";
import { opsSnapshot } from "~/modules/ops/snapshot.server";
import { healthCheck } from "~/utils/health.server";
import { httpAnswerOf } from "~/utils/http-errors";
import { createLogger, describeError, type Logger } from "~/utils/log.server";
import { ValidationError } from "~/utils/errors";
import { findNul, findNulInFields, NUL_MESSAGE, nulIssue } from "~/utils/nul";

/**
 * What the Express edge (server/) asks of the app. The server build exports it (see
 * entry.server.tsx), so the edge loads the app once — the build — and never imports app modules
 * itself: one module graph, one database pool, one environment, no state shared through globals.
 */
export const edge = {
  /** Reads and checks the environment (the app's own copy: everything else asks `env()`). */
  loadEnv: (source: NodeJS.ProcessEnv) => loadEnv(source),
  isEnvError: (error: unknown): error is EnvError => error instanceof EnvError,
  createLogger,
  describeError,

  /** Opens the app's database, starts the background workers and makes the first admin when asked. */
  async start(options: { databaseUrl: string; dataDir: string; admin: { email: string; password: string; name: string } | undefined; log: Logger }) {
    connectDatabase(options.databaseUrl);
    await startJobs({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, log: options.log });
    if (options.admin) {
      const created = await createFirstAdmin(db, { ...options.admin, trusted: true });
      if (created) options.log.info(`Created the admin account ${created.email} from LOUPE_ADMIN_EMAIL.`);
    }
  },
  /** The one-time setup link's token while no account exists. */
  setupToken: () => issueSetupToken(db),
  /** Stops the workers (a running import stops after its batch), then closes the pool. */
  async stop() {
    await stopJobs();
    await closeDb();
  },
  health: healthCheck,
  /** The instance's operational figures for /metrics. */
  opsSnapshot: () => opsSnapshot(db),

  /**
   * Who is asking: the session's user (from the signed session cookie) and the form token every
   * state-changing request must carry, bound to the session, or to an anonymous cookie before
   * sign-in (set here when missing). The API ignores cookies; a key authenticates it.
   */
  async requestContext(input: { path: string; cookieHeader: string | null; secureCookies: boolean; clientIp: string; cspNonce: string }) {
    const base = { cspNonce: input.cspNonce, clientIp: input.clientIp, secureCookies: input.secureCookies };
    const setCookies: string[] = [];
    let context: LoupeContext;
    // why: the feedback widget (script, frame, demo) runs on other sites' pages: no cookies.
    if (input.path.startsWith("/api/") || input.path.startsWith("/widget/")) {
      context = { ...base, user: null, sessionToken: null, csrfToken: "" };
    } else {
      const token = ((await sessionCookie(input.secureCookies).parse(input.cookieHeader)) as string | null) || null;
      const user = token ? await findSessionUser(db, token) : null;
      if (user && token) {
        context = { ...base, user, sessionToken: token, csrfToken: csrfTokenFor(token) };
      } else {
        let anon = ((await anonCookie(input.secureCookies).parse(input.cookieHeader)) as string | null) || null;
        if (!anon) {
          anon = randomBytes(24).toString("base64url");
          setCookies.push(await anonCookie(input.secureCookies).serialize(anon));
        }
        context = { ...base, user: null, sessionToken: null, csrfToken: csrfTokenFor(`anon:${anon}`) };
      }
    }
    return { context, setCookies };
  },
  checkToken: checkCsrfToken,
  /** The origins that may frame the feedback widget for this ingest key (none for an unknown or revoked key). */
  async widgetFrameAncestors(key: string | null): Promise<string[]> {
    const found = await findWidgetKey(db, key);
    return found ? frameAncestorsOf(found.allowedOrigins) : [];
  },
  findNul,
  findNulInFields,
  /** The 400 for a field holding a NUL (PostgreSQL cannot store one), naming the field. */
  nulAnswer: (field: string) => httpAnswerOf(new ValidationError(`The field “${field}” ${NUL_MESSAGE}`, [nulIssue(field)])),
  httpAnswerOf,
};

export type Edge = typeof edge;
