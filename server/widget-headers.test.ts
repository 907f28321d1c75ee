import fs from "node:fs";
import type { Server } from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edge } from "~/edge.server";
import { loadEnv } from "~/utils/env.server";
import type { Logger } from "~/utils/log.server";
import { createApp } from "./app";

// The Express edge's part of the feedback widget: its script may be loaded by other sites, its
// frame framed by the ingest key's origins only, and every other page by nobody.

let server: Server;
let base: string;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-widget-headers-"));
const assets = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-widget-assets-"));
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  fs.mkdirSync(path.join(assets, "widget"));
  fs.writeFileSync(path.join(assets, "widget", "loupe-feedback.js"), "window.x = 1;\n");
  const env = loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the widget header tests, long enough", LOUPE_DATA_DIR: dataDir });
  const origins: Record<string, string[]> = { lfi_0123abcd_good: ["https://shop.example", "http://127.0.0.1:4000"] };
  const app = createApp({
    env,
    log: quiet,
    edge: { ...edge, widgetFrameAncestors: async (key) => origins[key ?? ""] ?? [] },
    // why: only the headers the edge sets are under test; the page itself is e2e/feedback-widget.spec.ts's.
    build: () => Promise.reject(new Error("Remix is not part of this test")),
    assets: { dir: assets },
    isShuttingDown: () => false,
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(assets, { recursive: true, force: true });
});

const frameAncestors = (response: Response) => /frame-ancestors ([^;]*)/.exec(response.headers.get("content-security-policy") ?? "")?.[1];

describe("the widget's headers at the edge", () => {
  it("serves the script to other sites: cross-origin resource policy, JavaScript, a short cache, no cookie", async () => {
    const response = await fetch(`${base}/widget/loupe-feedback.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("content-type")).toMatch(/^(application|text)\/javascript; charset=utf-8$/i);
    expect(response.headers.get("cache-control")).toBe("public, max-age=600");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toBe("window.x = 1;\n");
  });

  it("lets the frame be framed by its key's allowed origins only, with no X-Frame-Options", async () => {
    const good = await fetch(`${base}/widget/frame?key=lfi_0123abcd_good&traceId=t`);
    expect(frameAncestors(good)).toBe("https://shop.example http://127.0.0.1:4000");
    expect(good.headers.get("x-frame-options")).toBeNull();
    expect(good.headers.get("set-cookie")).toBeNull();
    const unknown = await fetch(`${base}/widget/frame?key=lfi_0123abcd_nope`);
    expect(frameAncestors(unknown)).toBe("'none'");
    const missing = await fetch(`${base}/widget/frame`);
    expect(frameAncestors(missing)).toBe("'none'");
  });

  it("every other page keeps frame-ancestors 'none', X-Frame-Options and a same-origin resource policy, whatever its query", async () => {
    for (const url of [`${base}/login?key=lfi_0123abcd_good`, `${base}/projects`, `${base}/widget/demo?key=lfi_0123abcd_good`]) {
      const response = await fetch(url, { redirect: "manual" });
      expect(frameAncestors(response), url).toBe("'none'");
      if (!url.includes("/widget/")) {
        expect(response.headers.get("x-frame-options"), url).toBe("SAMEORIGIN");
        expect(response.headers.get("cross-origin-resource-policy"), url).toBe("same-origin");
      }
    }
  });

  it("a post to the frame from another origin is refused before it reaches the app", async () => {
    const response = await fetch(`${base}/widget/frame`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/cross-origin request from https:\/\/evil\.example/);
  });
});
