import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ServerResponse } from "node:http";

export function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  return headers;
}

export function toBodyInit(body: Buffer | undefined): BodyInit | undefined {
  return body && (new Uint8Array(body) as unknown as BodyInit);
}

/**
 * Writes a fetch Response to a Node response (Express's too), keeping headers set earlier (cookies, security headers).
 * The body goes through a stream pipeline, so it is read only as fast as the socket takes it:
 * a dataset export of any size keeps memory flat. (Remix's own writer ignores `write()`'s
 * backpressure signal and would buffer a slow client's whole file.) A body that fails midway, or
 * a client that leaves, ends the socket; the status line is gone by then.
 */
export async function sendResponse(res: ServerResponse, response: globalThis.Response, onBrokenBody?: (error: unknown) => void): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  // why: appended, so headers set earlier (cookies, security headers) stay; Set-Cookie keeps each value.
  for (const [key, value] of response.headers.entries()) if (key !== "set-cookie") res.appendHeader(key, value);
  for (const cookie of response.headers.getSetCookie()) res.appendHeader("set-cookie", cookie);
  if (/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) res.flushHeaders();
  if (!response.body) return void res.end();
  try {
    await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), res);
  } catch (error) {
    // why: a client that went away is normal; anything else failed the body after its headers.
    if ((error as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") onBrokenBody?.(error);
    res.destroy();
  }
}
