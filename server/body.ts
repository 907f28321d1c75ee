import type { Request as ExpressRequest } from "express";
import { ValidationError } from "~/utils/errors";
import { formatBytes } from "~/utils/format-bytes";
import { findNul, findNulInFields, NUL_MESSAGE, nulIssue } from "~/utils/nul";

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than the ${formatBytes(limit)} limit.`);
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
 * Refuses a page request whose query string or form body has a NUL in any field (400, naming the
 * field), so no form action has to remember to. File parts of a multipart body are not text and
 * are left alone.
 */
export async function refuseNul(url: URL, contentType: string, body: Buffer | undefined): Promise<void> {
  const field = findNulInFields(url.searchParams) ?? (body ? await nulInBody(contentType, body) : null);
  if (field !== null) throw new ValidationError(`The field “${field}” ${NUL_MESSAGE}`, [nulIssue(field)]);
}

async function nulInBody(type: string, body: Buffer): Promise<string | null> {
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return findNulInFields(new URLSearchParams(body.toString("utf8")));
  if (/^multipart\/form-data\b/i.test(type)) {
    try {
      return findNulInFields(await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData());
    } catch {
      return null; // a malformed body is Remix's to refuse, as before
    }
  }
  if (/^application\/json\b/i.test(type)) {
    try {
      return findNul(JSON.parse(body.toString("utf8")));
    } catch {
      return null;
    }
  }
  return null;
}
