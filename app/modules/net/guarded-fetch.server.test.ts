import http from "node:http";
import type { AddressInfo } from "node:net";
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockedRequestError, ResponseTooLargeError, blockedCause, guardedFetch } from "./guarded-fetch.server";

// A real HTTP server on 127.0.0.1 that counts the TCP connections it accepts, so a test can show
// a refused request never reached it.
let server: http.Server;
let base: string;
let port: number;
let connections = 0;
const paths: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    const url = new URL(req.url!, "http://x");
    if (url.pathname === "/same-host") return void res.writeHead(302, { location: "/ok?via=redirect" }).end();
    if (url.pathname === "/post-redirect") return void res.writeHead(307, { location: "/echo" }).end();
    if (url.pathname === "/other-host") return void res.writeHead(302, { location: `http://localhost:${port}/ok` }).end();
    if (url.pathname === "/metadata") return void res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (url.pathname === "/loop") return void res.writeHead(302, { location: "/loop" }).end();
    if (url.pathname === "/echo") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => res.end(`${req.method} ${body}`));
      return;
    }
    if (url.pathname === "/big") return void res.end("x".repeat(2048));
    if (url.pathname === "/big-chunked") {
      res.write("x".repeat(1000));
      res.write("x".repeat(1000));
      return void res.end("x".repeat(1000));
    }
    res.end(`ok ${url.search}`);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the request should have been refused").toBeDefined();
  return blockedCause(error) ?? error;
};

/** A resolver under the test's control, standing in for DNS. */
const resolver = (answers: Record<string, string[]>) => {
  const asked: string[] = [];
  const lookup = (hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    asked.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
  };
  return { lookup, asked };
};

describe("guardedFetch", () => {
  it("refuses a loopback address without LOUPE_LLM_ALLOW_PRIVATE, before connecting, and allows it with", async () => {
    const before = connections;
    const refused = await failure(guardedFetch({ allowPrivate: false })(`${base}/ok`));
    expect(refused).toBeInstanceOf(BlockedRequestError);
    expect((refused as Error).message).toBe(`Refused 127.0.0.1:${port}: 127.0.0.1 is a loopback address (set LOUPE_LLM_ALLOW_PRIVATE=true to allow private and local addresses).`);
    expect(connections).toBe(before);

    const response = await guardedFetch({ allowPrivate: true })(`${base}/ok?x=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok ?x=1");
  });

  it("checks the address a host name resolves to when connecting, so a name that points at loopback is refused", async () => {
    const before = connections;
    const dns = resolver({ "innocent.example": ["127.0.0.1"] });
    const refused = await failure(guardedFetch({ allowPrivate: false, lookup: dns.lookup })(`http://innocent.example:${port}/ok`));
    expect((refused as Error).message).toBe("Refused innocent.example: it resolves to 127.0.0.1 is a loopback address (set LOUPE_LLM_ALLOW_PRIVATE=true to allow private and local addresses).");
    expect(dns.asked).toEqual(["innocent.example"]);
    expect(connections).toBe(before);

    // The same answer, allowed: the connection goes to the address the guard checked.
    const allowed = await guardedFetch({ allowPrivate: true, lookup: dns.lookup })(`http://innocent.example:${port}/ok`);
    expect(await allowed.text()).toBe("ok ");
  });

  it("refuses a name with any disallowed address among its answers (a rebinding name listing public and private)", async () => {
    const dns = resolver({ "rebind.example": ["93.184.216.34", "127.0.0.1"] });
    const refused = await failure(guardedFetch({ allowPrivate: false, lookup: dns.lookup })(`http://rebind.example:${port}/ok`));
    expect((refused as Error).message).toContain("it resolves to 127.0.0.1 is a loopback address");
  });

  it("resolves again for each new connection, so a name whose answer turns into a metadata address later is refused then", async () => {
    let answer = "127.0.0.1";
    const lookup = (_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) => cb(null, [{ address: answer, family: 4 }]);
    // why: allowPrivate lets the first answer through; the metadata answer later stays refused.
    const fetchIt = guardedFetch({ allowPrivate: true, lookup });
    expect((await fetchIt(`http://flip.example:${port}/ok`, { headers: { connection: "close" } })).status).toBe(200);
    answer = "169.254.169.254";
    const refused = await failure(fetchIt(`http://flip.example:${port}/ok`));
    expect((refused as Error).message).toBe("Refused flip.example: it resolves to 169.254.169.254 is a cloud metadata service.");
  });

  it("never connects to a metadata host name, even with allowPrivate and a resolver that would answer", async () => {
    const dns = resolver({ "metadata.google.internal": ["127.0.0.1"] });
    const refused = await failure(guardedFetch({ allowPrivate: true, lookup: dns.lookup })(`http://metadata.google.internal:${port}/`));
    expect((refused as Error).message).toContain("metadata.google.internal is a cloud metadata service");
    expect(dns.asked).toEqual([]);
  });

  it("follows a redirect within the same host, and refuses one to another host or to a metadata address", async () => {
    const fetchIt = guardedFetch({ allowPrivate: true });
    const followed = await fetchIt(`${base}/same-host`);
    expect(await followed.text()).toBe("ok ?via=redirect");

    const posted = await fetchIt(`${base}/post-redirect`, { method: "POST", body: "payload" });
    expect(await posted.text()).toBe("POST payload");

    paths.length = 0;
    const other = await failure(fetchIt(`${base}/other-host`));
    expect((other as Error).message).toBe(`Refused a redirect from 127.0.0.1:${port} to another host (localhost:${port}); only redirects within the same host are followed.`);
    const metadata = await failure(fetchIt(`${base}/metadata`));
    expect((metadata as Error).message).toContain("to another host (169.254.169.254)");
    expect(paths).toEqual(["GET /other-host", "GET /metadata"]);

    const loop = await failure(fetchIt(`${base}/loop`));
    expect((loop as Error).message).toMatch(/^Stopped after 3 redirects/);
  });

  it("stops reading a response past its cap, declared or streamed", async () => {
    const fetchIt = guardedFetch({ allowPrivate: true, maxResponseBytes: 1024 });
    const declared = await failure(fetchIt(`${base}/big`));
    expect(declared).toBeInstanceOf(ResponseTooLargeError);
    const streamed = await fetchIt(`${base}/big-chunked`);
    const error = await failure(streamed.text());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((await fetchIt(`${base}/ok`)).status).toBe(200);
  });

  it("refuses schemes other than http and https", async () => {
    const refused = await failure(guardedFetch({ allowPrivate: true })("file:///etc/passwd"));
    expect((refused as Error).message).toBe("Only http and https URLs can be requested (got file).");
  });
});
