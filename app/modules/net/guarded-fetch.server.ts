import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch, Response as UndiciResponse } from "undici";
import { isMetadataHostname, normalizeHostname, refusalFor, type AddressPolicy } from "./address-policy";

/**
 * `fetch` for URLs that someone other than the operator chose (an LLM provider's base URL, later
 * a webhook): http(s) only; every address a connection is about to use is checked against the
 * address policy at connect time, after DNS, so a name that resolves to a public address when
 * saved and to 127.0.0.1 later (DNS rebinding) is refused; redirects are followed only within the
 * same host, each hop checked again; bodies are capped.
 */

/** A request the guard refused. Thrown by the guarded fetch; undici wraps it as the `cause` of its own error. */
export class BlockedRequestError extends Error {
  override readonly name = "BlockedRequestError";
}

/** An answer larger than the guard's cap. */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
}

type Lookup = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export type GuardOptions = AddressPolicy & {
  /** Redirects followed within the same host (default 3); a redirect to another host is refused; with 0 a redirect is the answer (webhooks). */
  maxRedirects?: number;
  /** The largest response body read (default 64 MiB), declared or streamed. */
  maxResponseBytes?: number;
  /** DNS resolution (default: the system resolver, as `dns.lookup`). Tests pass their own. */
  lookup?: Lookup;
};

export type GuardedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const systemLookup: Lookup = (hostname, options, callback) => dns.lookup(hostname, { ...options, all: true }, callback);

/**
 * Throws a BlockedRequestError unless the URL may be requested under the policy: http(s), no
 * metadata host name, and an IP-literal host (whatever its spelling: the URL parser turns
 * `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` into canonical addresses) that the policy allows.
 * Host names are checked once resolved, when connecting.
 */
export function checkRequestUrl(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BlockedRequestError(`Only http and https URLs can be requested (got ${url.protocol.replace(/:$/, "")}).`);
  }
  const host = normalizeHostname(url.hostname);
  if (isMetadataHostname(host)) throw new BlockedRequestError(`Refused ${url.host}: ${host} is a cloud metadata service.`);
  if (isIP(host)) {
    const refusal = refusalFor(host, policy);
    if (refusal) throw new BlockedRequestError(`Refused ${url.host}: ${refusal}.`);
  }
}

/** A DNS lookup that fails unless every address the name resolves to is allowed. */
function guardedLookup(policy: AddressPolicy, lookup: Lookup) {
  return (hostname: string, options: LookupOptions, callback: (...args: unknown[]) => void) => {
    if (isMetadataHostname(hostname)) return callback(new BlockedRequestError(`Refused ${hostname}: it is a cloud metadata service.`));
    lookup(hostname, options, (error, addresses) => {
      if (error) return callback(error);
      // why: every address, not just the first: a name may list a public and a private address and
      // let the connection fall through to the second (Happy Eyeballs tries them in turn).
      for (const { address } of addresses) {
        const refusal = refusalFor(address, policy);
        if (refusal) return callback(new BlockedRequestError(`Refused ${hostname}: it resolves to ${refusal}.`));
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }));
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

const agents = new Map<string, Agent>();

/** One connection pool per policy (so keep-alive works across clients); a custom lookup gets its own. */
function agentFor(policy: AddressPolicy, lookup: Lookup | undefined): Agent {
  const create = () =>
    new Agent({ connect: buildConnector({ lookup: guardedLookup(policy, lookup ?? systemLookup) as never, timeout: 10_000 }) });
  if (lookup) return create();
  // why: the setting is part of the key: the refusal the lookup words names it (LLM providers and webhooks share this module).
  const key = `${policy.allowPrivate}:${policy.allowPrivateSetting ?? ""}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = create()));
  return agent;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A fetch function (the shape the `openai` client's `fetch` option takes) that applies the guard. */
export function guardedFetch(options: GuardOptions): GuardedFetch {
  const policy: AddressPolicy = { allowPrivate: options.allowPrivate, allowPrivateSetting: options.allowPrivateSetting };
  const dispatcher = agentFor(policy, options.lookup);
  const maxRedirects = options.maxRedirects ?? 3;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return async (input, given = {}) => {
    const init: RequestInit = input instanceof Request ? { method: input.method, headers: input.headers, body: input.body, ...given } : given;
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    for (let hop = 0; ; hop++) {
      checkRequestUrl(url, policy);
      const response = await undiciFetch(url, { ...init, method, body, redirect: "manual", dispatcher } as never);
      if (!REDIRECTS.has(response.status) || !response.headers.has("location") || maxRedirects === 0) return capped(response, maxBytes);
      await response.body?.cancel();
      const next = new URL(response.headers.get("location")!, url);
      if (normalizeHostname(next.hostname) !== normalizeHostname(url.hostname)) {
        throw new BlockedRequestError(`Refused a redirect from ${url.host} to another host (${next.host}); only redirects within the same host are followed.`);
      }
      if (hop >= maxRedirects) throw new BlockedRequestError(`Stopped after ${maxRedirects} redirects (at ${next.href}).`);
      if (response.status === 303 || (method === "POST" && (response.status === 301 || response.status === 302))) {
        method = "GET";
        body = undefined;
      } else if (body instanceof ReadableStream) {
        throw new BlockedRequestError(`Cannot follow a ${response.status} redirect with a streamed body.`);
      }
      url = next;
    }
  };
}

/** The response with its body cut off (as an error) once it passes `maxBytes`. */
function capped(response: Awaited<ReturnType<typeof undiciFetch>>, maxBytes: number): Response {
  const declared = Number(response.headers.get("content-length"));
  const tooLarge = () => new ResponseTooLargeError(`The response is larger than ${maxBytes} bytes; Loupe stopped reading it.`);
  if (declared > maxBytes) {
    void response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return response as unknown as Response;
  let seen = 0;
  const limited = (response.body as unknown as ReadableStream<Uint8Array>).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const wrapped = new UndiciResponse(limited as never, { status: response.status, statusText: response.statusText, headers: response.headers });
  return wrapped as unknown as Response;
}

/** The guard's refusal behind an error (the openai client and undici wrap it in `cause`), if it is one. */
export function blockedCause(error: unknown): BlockedRequestError | ResponseTooLargeError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof BlockedRequestError || e instanceof ResponseTooLargeError) return e;
  }
  return undefined;
}
