import type { Response } from "express";
import helmet from "helmet";

/**
 * Helmet's headers with a strict Content-Security-Policy: scripts only from this origin or
 * inline with the per-request nonce Remix renders; no remote images, frames or plugins.
 * No page may be framed (`frame-ancestors 'none'`) except the feedback widget's frame, for which
 * the edge puts its ingest key's allowed origins in `res.locals.frameAncestors` (server/app.ts).
 */
export function securityHeaders(options: { dev: boolean; https: boolean }) {
  const nonce = (_req: unknown, res: unknown) => `'nonce-${(res as Response).locals.cspNonce as string}'`;
  const ancestors = (_req: unknown, res: unknown) => {
    const origins = (res as Response).locals.frameAncestors as string[] | undefined;
    return origins?.length ? origins.join(" ") : "'none'";
  };
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonce],
        // why: Vite's dev server injects <style> tags; the built app only links stylesheets.
        styleSrc: options.dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: options.dev ? ["'self'", "ws://localhost:24690", "ws://127.0.0.1:24690"] : ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: [ancestors],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "same-origin" },
  });
}
