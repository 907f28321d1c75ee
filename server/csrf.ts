import type { Request } from "express";
import type { Edge } from "~/edge.server";
import type { LoupeContext } from "~/utils/context";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every state-changing browser request needs a same-origin Origin (or Referer) and the form
 * token of its session. Returns why a request is refused, or null when it may go on.
 * The /api/ routes are exempt: they authenticate by API key and never read cookies.
 */
export async function checkCsrf(
  req: Request,
  body: Buffer | undefined,
  context: LoupeContext,
  publicUrl: string | undefined,
  edge: Edge,
): Promise<string | null> {
  if (SAFE.has(req.method) || req.path.startsWith("/api/")) return null;
  return checkOrigin(req, publicUrl) ?? edge.checkToken(req.get(CSRF_HEADER) ?? (await formField(req, body, CSRF_FIELD)), context);
}

/**
 * The first half of the check: the request comes from this server's own pages. The Origin
 * header decides when a browser sent one; the Referer only stands in when it is absent.
 */
export function checkOrigin(req: Request, publicUrl: string | undefined): string | null {
  const origin = req.get("origin");
  // why: `Origin: null` is an opaque origin (a sandboxed frame, a data: page, a cross-site
  // redirect), never this site, whatever the Referer claims; a malformed one is refused too.
  if (origin !== undefined && originOf(origin) === null) return `the request comes from an opaque or malformed origin (${origin.slice(0, 100)}).`;
  const claimed = origin !== undefined ? originOf(origin) : originOf(req.get("referer"));
  if (!claimed) return "the request has no Origin or Referer header.";
  const allowed = new Set([`${req.protocol}://${req.get("host")}`]);
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  if (!allowed.has(claimed)) return `cross-origin request from ${claimed}.`;
  return null;
}

function originOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

async function formField(req: Request, body: Buffer | undefined, name: string): Promise<string | null> {
  if (!body) return null;
  const type = req.get("content-type") ?? "";
  try {
    if (type.startsWith("application/x-www-form-urlencoded")) {
      return new URLSearchParams(body.toString("utf8")).get(name);
    }
    if (type.startsWith("multipart/form-data")) {
      const value = (await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData()).get(name);
      return typeof value === "string" ? value : null;
    }
  } catch {
    return null;
  }
  return null;
}
