import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { StubRequestError, chatCompletion, checkChatBody, checkEmbeddingsBody, defaultContent, embeddingsResponse } from "./answers";

/**
 * An OpenAI-compatible HTTP server for tests, benchmarks and people without an API key: real HTTP
 * on 127.0.0.1, the OpenAI wire format, deterministic answers, and a script of failures to play.
 * See docs/decisions/0011-llm-providers.md.
 */

/** What the stub received: tests read these to prove what was (and was not) sent and paid for. */
export type StubRequest = {
  /** Order of arrival, from 0. */
  index: number;
  /** performance.now() when the request's body had arrived. */
  at: number;
  method: string;
  /** The path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET, or when it was not JSON). */
  body: unknown;
  /** `body.model`, when there is one. */
  model: string | undefined;
};

/**
 * One answer, scripted or returned by `respond`. Every field is optional: `{}` is the default
 * answer; `{delayMs}` delays it; `{status: 500}` is an OpenAI-shaped error; `{body: "not json"}`
 * sends those bytes as they are (a string) or as JSON (anything else); `{hangUp: true}` closes the
 * connection without answering; `{content}` is the assistant's text in an otherwise normal chat
 * completion (with usage and logprobs).
 */
export type StubAnswer = {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  content?: string;
  delayMs?: number;
  hangUp?: boolean;
};

export type StubOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; others get 401. */
  apiKey?: string;
  /** The models `/v1/models` lists and the endpoints accept (others get 404 model_not_found). */
  models?: string[];
  /** Delay before every answer, in ms (a step's own `delayMs` replaces it). */
  delayMs?: number;
  /** Asked for every request the script does not answer; `undefined` means the default answer. */
  respond?: (request: StubRequest) => StubAnswer | undefined | Promise<StubAnswer | undefined>;
};

export type LlmStub = {
  /** The base URL to give an OpenAI client or a Loupe provider: `http://127.0.0.1:<port>/v1`. */
  url: string;
  port: number;
  /** Every request received so far, in order of arrival. */
  requests: StubRequest[];
  /** Queues answers, consumed one per request (any path) before `respond` and the defaults. */
  script: (steps: StubAnswer[]) => void;
  /** Forgets the requests received and the unplayed script. */
  reset: () => void;
  close: () => Promise<void>;
};

export const DEFAULT_MODELS = ["loupe-stub-small", "loupe-stub-large", "loupe-stub-embed"];
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startLlmStub(options: StubOptions = {}): Promise<LlmStub> {
  const models = options.models ?? DEFAULT_MODELS;
  const requests: StubRequest[] = [];
  const queue: StubAnswer[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof StubRequestError) return sendError(res, error.status, error.message, "invalid_request_error");
      sendError(res, 500, `The stub failed: ${error instanceof Error ? error.message : String(error)}`, "server_error");
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = await readBody(req);
    const path = new URL(req.url ?? "/", "http://stub").pathname.replace(/\/+$/, "");
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      body = undefined;
    }
    const request: StubRequest = {
      index: requests.length,
      at: performance.now(),
      method: req.method ?? "GET",
      path,
      headers: req.headers,
      body,
      model: typeof (body as { model?: unknown })?.model === "string" ? (body as { model: string }).model : undefined,
    };
    requests.push(request);
    const answer = queue.shift() ?? (await options.respond?.(request)) ?? {};
    const delay = answer.delayMs ?? options.delayMs ?? 0;
    if (delay > 0) await wait(delay, res);
    if (res.destroyed) return;
    if (answer.hangUp) {
      req.socket.destroy();
      return;
    }
    if (answer.status !== undefined && answer.status >= 400 && answer.body === undefined) {
      return sendError(res, answer.status, `Scripted ${answer.status} from the Loupe stub.`, answer.status >= 500 ? "server_error" : "invalid_request_error", answer.headers);
    }
    if (answer.body !== undefined) return send(res, answer.status ?? 200, answer.body, answer.headers);
    if (options.apiKey !== undefined) {
      const given = /^Bearer (.*)$/i.exec(req.headers.authorization ?? "")?.[1];
      if (given !== options.apiKey) {
        // why: OpenAI's own 401 echoes (part of) the key it was sent; this one echoes all of it,
        // so tests can prove Loupe keeps a provider's error text from leaking the key.
        return sendError(res, 401, `Incorrect API key provided: ${given ?? "(none)"}.`, "invalid_request_error", answer.headers, "invalid_api_key");
      }
    }
    try {
      send(res, answer.status ?? 200, defaultAnswer(request, body, answer), answer.headers);
    } catch (error) {
      if (!(error instanceof StubRequestError)) throw error;
      sendError(res, error.status, error.message, "invalid_request_error", answer.headers, error.code, error.param);
    }
  }

  function defaultAnswer(request: StubRequest, body: unknown, answer: StubAnswer) {
    const route = `${request.method} ${request.path}`;
    if (route === "GET /v1/models") {
      return { object: "list", data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "loupe-stub" })) };
    }
    if (route === "POST /v1/chat/completions") {
      if (body === undefined) throw new StubRequestError(400, "The request body is not valid JSON.");
      const chat = checkChatBody(body, models);
      const contents = Array.from({ length: Math.max(1, chat.n ?? 1) }, (_, i) => answer.content ?? defaultContent(chat, i));
      return chatCompletion(chat, contents);
    }
    if (route === "POST /v1/embeddings") {
      if (body === undefined) throw new StubRequestError(400, "The request body is not valid JSON.");
      const checked = checkEmbeddingsBody(body, models);
      return embeddingsResponse(checked.body, checked.inputs);
    }
    throw new StubRequestError(404, `Unknown request to the Loupe stub: ${route}.`);
  }

  function wait(ms: number, res: http.ServerResponse) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timers.add(timer);
      // why: a client that gives up (a timeout) must not leave the timer holding the server open.
      res.once("close", done);
      function done() {
        clearTimeout(timer);
        timers.delete(timer);
        res.off("close", done);
        resolve();
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    script: (steps) => void queue.push(...steps),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new StubRequestError(413, "The request body is too large for the stub.");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type: string,
  headers?: Record<string, string>,
  code: string | null = null,
  param: string | null = null,
) {
  send(res, status, { error: { message, type, param, code } }, headers);
}
