import type { Request as ExpressRequest } from "express";
import type { Edge } from "~/edge.server";

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    // why: page bodies are limited in whole megabytes (server/app.ts), so no general byte formatter is needed here.
    super(`The request body is larger than the ${Math.round(limit / (1024 * 1024))} MB limit.`);
  }
}

/** Reads the whole body, refusing as soon as it passes `limit` bytes (declared or streamed). */
export async function readBody(req: ExpressRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The first field of a page request's query string or form body holding a NUL, by name (PostgreSQL
 * cannot store one: 400 before any action runs, so no form has to remember). File parts of a
 * multipart body are not text and are left alone.
 */
export async function nulField(edge: Edge, url: URL, contentType: string, body: Buffer | undefined): Promise<string | null> {
  return edge.findNulInFields(url.searchParams) ?? (body ? await nulInBody(edge, contentType, body) : null);
}

async function nulInBody(edge: Edge, type: string, body: Buffer): Promise<string | null> {
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return edge.findNulInFields(new URLSearchParams(body.toString("utf8")));
  if (/^multipart\/form-data\b/i.test(type)) {
    try {
      return edge.findNulInFields(await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData());
    } catch {
      return null; // a malformed body is Remix's to refuse, as before
    }
  }
  if (/^application\/json\b/i.test(type)) {
    try {
      return edge.findNul(JSON.parse(body.toString("utf8")));
    } catch {
      return null;
    }
  }
  return null;
}
