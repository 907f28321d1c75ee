import fs from "node:fs";
import type { Server } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { runEndpoint, type Endpoint } from "~/api/define.server";
import { isDatabaseUnavailable } from "~/utils/database-errors";
import { loadEnv } from "~/utils/env.server";
import { edge } from "~/edge.server";
import { createApp } from "./app";
import type { Logger } from "~/utils/log.server";

let server: Server;
let port: number;
const lines: string[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-aborted-"));

beforeAll(async () => {
  const env = loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the aborted-request tests, long enough", LOUPE_DATA_DIR: dataDir });
  const log: Logger = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m, e) => lines.push(`error ${m}${e ? `: ${String(e)}` : ""}`),
  };
  // why: the body is cut off while the Express layer reads it; Remix never sees these requests.
  const app = createApp({ env, log, edge, build: () => Promise.reject(new Error("Remix is not part of this test")), assets: { middleware: (_q, _s, next) => next() }, isShuttingDown: () => false });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Sends a form POST's headers and part of its body, then closes the connection, as a browser aborting a fetch does. */
async function abortMidBody(target: string) {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  const arrived = once(server, "request");
  socket.write(`POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 262144\r\n\r\n`);
  socket.write(`intent=preview&sample=${"a".repeat(64 * 1024)}`);
  await arrived;
  socket.destroy();
}

describe("a request its client aborts", () => {
  it("is not logged as a database outage (nor as our error), and the server stays healthy", async () => {
    const target = "/projects/7d1c2b8e-0000-4000-8000-000000000001/import.data";
    await abortMidBody(target);
    // The server is done with the request once it has said something about it.
    await expect.poll(() => lines.filter((l) => l.includes(target))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(target))).toEqual([`debug The client closed POST ${target} before the end`]);
    expect(lines.filter((l) => /^(warn|error) /.test(l))).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});

describe("telling a client that went away from a database that did", () => {
  const requestAborted = () => Object.assign(new Error("aborted"), { code: "ECONNRESET" });
  const socketReset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", errno: -104, syscall: "read" });

  it("an HTTP request's own abort error is no outage; a socket reset (the database's connection) is", () => {
    expect(isDatabaseUnavailable(requestAborted())).toBe(false);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: socketReset() }))).toBe(true);
  });

  it("an API body cut off by its client is answered quietly: no outage, nothing logged as our error", async () => {
    const echo: Endpoint = { method: "post", path: "/api/v1/echo", summary: "echo", tags: [], public: true, body: z.object({}), responses: {}, handler: async () => ({ status: 204 }) };
    const client = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"partial": ')),
      pull: (controller) => {
        client.abort();
        controller.error(requestAborted());
      },
    });
    const request = new Request("http://loupe.test/api/v1/echo", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await runEndpoint(echo, request, {}, client.signal);
    logged.mockRestore();
    expect(logged).not.toHaveBeenCalled();
    expect(response.status).toBe(400);
  });
});
