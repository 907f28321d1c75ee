import { parse } from "csv-parse/sync";
import { feedback, importErrors, imports, quoteSetItems, quoteSets } from "~db/schema";
import { connectDatabase } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { createIngestKey } from "~/modules/feedback/ingest-keys.server";
import { tableIds } from "~/modules/insight/tables";
import { makeDatasetProject } from "~test/support/dataset-project";
import { expect, test } from "./fixtures";
import { browserSession, seedMatrix, type MatrixSeed } from "./support/matrix-seed";
import { apiRequests, apiTable, pageTable } from "./support/route-table";
import { fill, isIndexRoute, isResourceRoute, methodsOf, roles, routeFiles, urlPatternOf, type Expectation, type Role, type Rule } from "./support/route-access";

/**
 * Every route × every role, generated from app/routes and the OpenAPI document, against the
 * production server: what each role gets (e2e/support/route-table.ts says what it should,
 * mostly through the policy), the form token on every page action, and the security headers on
 * every answer; then every CSV export and key revocation. One seeded project; GETs read, and
 * POSTs are built to be refused or to fail validation, so the matrix changes nothing.
 * MATRIX_EXPLORE=1 prints every cell (✓/✗) instead of failing: for writing a new route's line.
 */

const EXPLORE = process.env.MATRIX_EXPLORE === "1";
const PROBE = "__matrix_probe__";

type Answer = { status: number; location: string | null; body: string; headers: Headers };
type Check = { where: string; role: Role; expected: Expectation; answer: Answer; kind: "page" | "resource" | "api"; method: string; byRedirect?: boolean; inReply?: boolean };

/** Every answer the matrix got, for the header check. */
const answers: { where: string; answer: Answer }[] = [];
let seed: MatrixSeed;
let base: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ db }, testInfo) => {
  test.setTimeout(120_000);
  base = testInfo.project.use.baseURL!;
  connectDatabase(process.env.E2E_DATABASE_URL!);
  seed = await seedMatrix(db, base);
  // why: the dataset pages and exports need the snapshot the server's job builds.
  await expect
    .poll(async () => ((await (await fetch(`${base}/api/v1/datasets/${seed.datasetId}/status`, { headers: { authorization: `Bearer ${seed.managerKey}` } })).json()) as { state: string }).state, {
      timeout: 60_000,
    })
    .toBe("ready");
});

/** Sends one request as a role: its session cookie (pages) or API key (API), with the form token on page POSTs. */
async function send(
  role: Role,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  kind: "page" | "api",
  init: { csrf?: boolean; body?: string; form?: Record<string, string> } = {},
): Promise<Answer> {
  const caller = seed.callers[role];
  const headers: Record<string, string> = {};
  if (kind === "page") headers.cookie = caller.cookie;
  if (caller.bearer && (kind === "api" || role === "revoked")) headers.authorization = `Bearer ${caller.bearer}`;
  let body: string | undefined;
  if (method !== "GET") {
    headers.origin = base;
    if (kind === "page") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams({ ...(init.csrf === false ? {} : { _csrf: caller.csrf }), ...(init.form ?? { intent: PROBE }) }).toString();
    } else {
      headers["content-type"] = "application/json";
      body = init.body ?? "{}";
    }
  }
  const response = await fetch(`${base}${url}`, { method, headers, body, redirect: "manual" });
  const answer = { status: response.status, location: response.headers.get("location"), body: decodeEntities(await response.text()), headers: response.headers };
  answers.push({ where: `${method} ${url} as ${role}`, answer });
  return answer;
}

// why: a refusal shown on a page is HTML-escaped ("project&#x27;s"); the words are compared as read.
const decodeEntities = (html: string) =>
  html.replace(/&(#x27|#39|quot|amp|lt|gt);/g, (_m, e: string) => ({ "#x27": "'", "#39": "'", quot: '"', amp: "&", lt: "<", gt: ">" })[e]!);

/** Runs `jobs` a few at a time: fast, without drowning a 2-core machine. */
async function inBatches<T>(jobs: (() => Promise<T>)[], size = 6): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < jobs.length; i += size) results.push(...(await Promise.all(jobs.slice(i, i + size).map((job) => job()))));
  return results;
}

/** Whether an answer is what the table expects; the reason when it is not. */
function mismatch({ expected, answer, kind, method, byRedirect, inReply }: Check): string | null {
  const { status, location, body } = answer;
  const toLogin = status === 302 && (location ?? "").startsWith("/login");
  if (byRedirect && (expected.outcome === "forbidden" || expected.outcome === "hidden")) {
    const error = status === 303 ? (new URL(location ?? "", base).searchParams.get("error") ?? "") : "";
    const words = expected.outcome === "hidden" ? "No such project." : expected.words!;
    return error === words ? null : `expected a 303 back with ?error=${words}`;
  }
  if (inReply && (expected.outcome === "forbidden" || expected.outcome === "hidden")) {
    const formError = status === 200 ? ((JSON.parse(body) as { formError?: string }).formError ?? "") : "";
    return expected.outcome === "hidden" ? (formError.startsWith("No such") ? null : "expected a “No such …” reply") : formError === expected.words ? null : `expected the reply “${expected.words}”`;
  }
  switch (expected.outcome) {
    case "ok":
      if (method === "GET") return status === 200 ? null : `expected 200`;
      // why: an allowed POST carries a probe the action cannot accept: it must get past the
      // refusals (no 401/403/404, no sign-in) to the action's own answer, without a failure.
      return [401, 403, 404].includes(status) || toLogin || status >= 500 ? "expected the action's own answer (not refused, not a failure)" : null;
    case "login":
      // why: a browser following a link to a page or a download is sent to sign in and back; the API says 401.
      if (kind === "api") return status === 401 ? null : "expected 401";
      return toLogin || (kind === "resource" && status === 401) ? null : "expected a redirect to /login";
    case "forbidden":
      if (status !== 403) return "expected 403";
      return expected.words && !body.includes(expected.words) ? `expected the refusal in words: “${expected.words}”` : null;
    case "hidden":
      return status === 404 ? null : "expected 404";
    case "away":
      return status === 302 && !toLogin ? null : "expected a redirect away from this visitors' page";
  }
}

/** A probe's or query's `{name}` placeholders with the seeded values. */
const fillText = (text: string, where: string) =>
  text.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (seed.ids[name] === undefined) throw new Error(`${where}: no seeded value for "{${name}}"; add one to \`ids\` in e2e/support/matrix-seed.ts.`);
    return seed.ids[name];
  });

const refusalIn = (body: string) => /Only [^.<]*\./.exec(body)?.[0] ?? "";
const describe = (c: Check) => `${c.kind === "api" ? "" : `${c.method} `}${c.where} as ${c.role}: got ${c.answer.status}${c.answer.location ? ` → ${c.answer.location}` : ""} ${refusalIn(c.answer.body) || c.answer.body.slice(0, 100).replace(/\s+/g, " ")}`;

function report(checks: Check[]) {
  if (EXPLORE) {
    for (const c of checks) console.log(`${mismatch(c) ? "✗" : "✓"} ${c.expected.outcome.padEnd(9)} ${describe(c)}`);
    return;
  }
  const wrong = checks.map((c) => [c, mismatch(c)] as const).filter(([, why]) => why);
  expect(wrong.map(([c, why]) => `${describe(c)} — ${why}`)).toEqual([]);
}

const pageRoutes = () => routeFiles().filter((r) => !r.startsWith("api.v1."));

test("every route file has an entry in the access table, and every entry a route", () => {
  const missing = pageRoutes().filter((r) => !(r in pageTable));
  expect(missing, `Add an entry for each of these to e2e/support/route-table.ts (pageTable), e.g. \`"${missing[0]}": project("items.read"),\``).toEqual([]);
  expect(Object.keys(pageTable).filter((r) => !pageRoutes().includes(r)), "entries for routes that no longer exist").toEqual([]);
  for (const route of pageRoutes()) {
    const entry = pageTable[route]!;
    const served = methodsOf(route);
    expect({ route, get: !!entry.get, post: !!entry.post }, "an entry names exactly the methods its module serves").toEqual({ route, get: served.get, post: served.post });
  }
});

test("every page and resource route answers each role as the policy says", async () => {
  test.setTimeout(180_000);
  const jobs: (() => Promise<Check>)[] = [];
  for (const route of pageRoutes()) {
    const entry = pageTable[route]!;
    const url = fill(urlPatternOf(route), seed.ids, route);
    const kind = isResourceRoute(route) ? "resource" : "page";
    for (const role of roles) {
      if (entry.get) {
        const get = entry.get;
        jobs.push(async () => ({ where: route, role, method: "GET", kind, expected: get(role), answer: await send(role, "GET", `${url}${fillText(entry.query ?? "", route)}`, "page") }));
      }
      const post = entry.post;
      if (post && !(post(role).outcome === "ok" && entry.postAllowedSkip)) {
        const target = isIndexRoute(route) ? `${url}?index` : url;
        const expected = post(role);
        const probe = expected.outcome === "ok" ? entry.allowedProbe : expected.outcome === "login" ? undefined : entry.refusedProbe;
        const form = probe && Object.fromEntries(Object.entries(probe).map(([name, value]) => [name, fillText(value, route)]));
        jobs.push(async () => ({ where: route, role, method: "POST", kind, expected, byRedirect: entry.refusesByRedirect, inReply: entry.refusesInReply, answer: await send(role, "POST", target, "page", { form }) }));
      }
    }
  }
  const checks = await inBatches(jobs);
  console.log(`Access matrix (pages): ${pageRoutes().length} routes × ${roles.length} roles = ${checks.length} requests.`);
  report(checks);
});

type OpenApi = { paths: Record<string, Record<string, { security?: unknown[] }>> };

test("every API endpoint answers each role as the policy says, and only to an API key", async () => {
  test.setTimeout(180_000);
  const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as OpenApi;
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  const missing = operations.filter((op) => !(op in apiTable));
  expect(missing, "Add an entry for each of these to e2e/support/route-table.ts (apiTable)").toEqual([]);
  expect(Object.keys(apiTable).filter((op) => !operations.includes(op)), "entries for endpoints that no longer exist").toEqual([]);

  const jobs: (() => Promise<Check>)[] = [];
  for (const op of operations) {
    const [method, path] = op.split(" ") as ["GET" | "POST" | "PUT" | "PATCH" | "DELETE", string];
    const rule: Rule = apiTable[op]!;
    const request = apiRequests[op] ?? {};
    const url = fill(path, seed.ids, op) + fillText(request.query ?? "", op);
    const body = request.body === undefined ? undefined : fillText(request.body, op);
    for (const role of roles) {
      const expected = rule(role);
      // why: a write is only sent where it must be refused (with a body its schema accepts, so the
      // refusal is the endpoint's); what an allowed key's write does is its endpoint's own test (app/api/*.test.ts).
      if (method !== "GET" && expected.outcome === "ok") continue;
      jobs.push(async () => ({ where: op, role, method, kind: "api", expected, answer: await send(role, method, url, "api", { body }) }));
    }
    // A browser's session cookie alone never calls the API (ADR 0003): no key, 401.
    if (!doc.paths[path]![method.toLowerCase()]!.security || doc.paths[path]![method.toLowerCase()]!.security!.length) {
      jobs.push(async () => {
        const response = await fetch(`${base}${url}`, { method, headers: { cookie: seed.callers.manager.cookie, origin: base, "x-csrf-token": seed.callers.manager.csrf }, redirect: "manual" });
        return { where: `${op} (session cookie, no key)`, role: "manager", method, kind: "api", expected: { outcome: "login" }, answer: { status: response.status, location: null, body: await response.text(), headers: response.headers } };
      });
    }
  }
  const checks = await inBatches(jobs);
  console.log(`Access matrix (API): ${operations.length} operations × ${roles.length} roles = ${checks.length} requests.`);
  report(checks);
});

test("every page action refuses a post without its form token, or from another origin, before it runs", async () => {
  const actions = pageRoutes().filter((r) => methodsOf(r).post);
  const manager = seed.callers.manager;
  const post = async (url: string, headers: Record<string, string>, form: Record<string, string>) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(form)) body.set(name, value);
    // why: the upload checks its token when the file part begins (app/modules/imports/receive-upload.server.ts).
    body.set("file", new Blob(["input\nForged row\n"], { type: "text/csv" }), "forged.csv");
    const response = await fetch(`${base}${url}`, { method: "POST", redirect: "manual", headers: { cookie: manager.cookie, accept: "application/json", ...headers }, body });
    return { status: response.status, text: await response.text() };
  };
  const wrong: string[] = [];
  for (const route of actions) {
    const url = fill(urlPatternOf(route), seed.ids, route) + (isIndexRoute(route) ? "?index" : "");
    const crossSite = await post(url, { origin: "https://evil.example" }, { _csrf: manager.csrf, intent: PROBE });
    if (crossSite.status !== 403 || !crossSite.text.includes("cross-origin request from https://evil.example")) wrong.push(`${route} from another origin: ${crossSite.status} ${crossSite.text.slice(0, 100)}`);
    // why: the widget's frame and demo have no session and so no form token; their same-origin check is above.
    if (route.startsWith("widget.")) continue;
    const noToken = await post(url, { origin: base }, { intent: PROBE });
    if (noToken.status !== 403 || !/form token/i.test(noToken.text)) wrong.push(`${route} without a token: ${noToken.status} ${noToken.text.slice(0, 100)}`);
    const forged = await post(url, { origin: base }, { _csrf: seed.callers.engineer.csrf, intent: PROBE });
    if (forged.status !== 403 || !/form token/i.test(forged.text)) wrong.push(`${route} with another session's token: ${forged.status} ${forged.text.slice(0, 100)}`);
  }
  console.log(`Form tokens: ${actions.length} page actions × 3 forged posts.`);
  expect(wrong).toEqual([]);
  // Nothing ran: the manager is still signed in (a forged sign-out did not end the session).
  expect((await fetch(`${base}/projects`, { headers: { cookie: manager.cookie }, redirect: "manual" })).status).toBe(200);
});

/** The headers every answer carries (server/security-headers.ts), or what is wrong with them. */
function headerProblems(url: string, headers: Headers): string[] {
  const problems: string[] = [];
  const csp = headers.get("content-security-policy") ?? "";
  const widget = new URL(url, base).pathname.startsWith("/widget/");
  for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"]) {
    if (!csp.split(";").map((d) => d.trim()).includes(directive)) problems.push(`CSP without ${directive}`);
  }
  if (!/(^|;)script-src 'self' 'nonce-[A-Za-z0-9+/=]+'(;|$)/.test(csp)) problems.push("CSP without a nonce-only script-src");
  const expected: Record<string, string | null> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "x-powered-by": null,
    // why: the widget's script is loaded and its frame framed by other sites (server/app.ts).
    "x-frame-options": widget && url.includes("/widget/frame") ? null : "SAMEORIGIN",
    "cross-origin-resource-policy": widget ? "cross-origin" : "same-origin",
  };
  // why: the password-reset and invite pages add no-referrer (their URLs hold the token); the last policy a browser understands wins.
  if (/^\/(reset-password|invite)\//.test(new URL(url, base).pathname)) expected["referrer-policy"] = "same-origin, no-referrer";
  for (const [name, value] of Object.entries(expected)) if (headers.get(name) !== value) problems.push(`${name}: ${headers.get(name)} (expected ${value})`);
  return problems;
}

test("every answer carries the security headers: pages, API, downloads, the widget, static files, not-found and errors", async () => {
  // Beyond the matrix's answers: a static file, the health check, an unknown page and API path,
  // and answers the edge gives before the app (a NUL, a body too large, a forged form).
  const login = await (await fetch(`${base}/login`)).text();
  const asset = /\/assets\/[\w.-]+\.js/.exec(login)?.[0];
  expect(asset, "the sign-in page links a built script").toBeTruthy();
  const extra: [string, RequestInit?][] = [
    [asset!],
    ["/favicon.ico"],
    ["/healthz"],
    [`/no/such/page`],
    ["/api/v1/no/such/endpoint"],
    ["/projects?redirectTo=%00"],
    ["/login", { method: "POST", headers: { origin: base, "content-type": "application/x-www-form-urlencoded" }, body: `email=${"a".repeat(2 * 1024 * 1024)}` }],
    ["/logout", { method: "POST", headers: { origin: "https://evil.example" } }],
  ];
  for (const [url, init] of extra) {
    const response = await fetch(`${base}${url}`, { redirect: "manual", ...init });
    answers.push({ where: `${init?.method ?? "GET"} ${url}`, answer: { status: response.status, location: null, body: await response.text(), headers: response.headers } });
  }
  expect(answers.length).toBeGreaterThan(1000);
  const statuses = new Set(answers.map((a) => a.answer.status));
  for (const status of [200, 302, 400, 401, 403, 404, 413]) expect(statuses, `an answer with status ${status} was checked`).toContain(status);
  const wrong = answers.flatMap(({ where, answer }) => headerProblems(where.split(" ")[1]!, answer.headers).map((p) => `${where} (${answer.status}): ${p}`));
  console.log(`Security headers: ${answers.length} answers checked, statuses ${[...statuses].sort().join(", ")}.`);
  expect(wrong).toEqual([]);
});

/** Text a spreadsheet would run, one per dangerous first character; each holds "MTX" to find it in a file. */
const FORMULAS = ['=HYPERLINK("http://evil.example","MTX")', "+MTX+1", "-MTX-1", "@SUM(MTX)", "\t=MTX", "\r=MTX"];

/** The cells of a CSV file that hold a planted formula, and those of them a spreadsheet would still run. */
function plantedCells(csv: string): { found: string[]; live: string[] } {
  const found = (parse(csv, { relax_column_count: true }) as string[][]).flat().filter((cell) => cell.includes("MTX"));
  // why: OWASP's list, checked here by hand rather than with the app's own isFormulaLike.
  return { found, live: found.filter((cell) => ["=", "+", "-", "@", "\t", "\r", "\n"].includes(cell[0]!)) };
}

test("every CSV export neutralises cells a spreadsheet would run as formulas", async ({ db }) => {
  test.setTimeout(120_000);
  const question = { key: "intent", kind: "choice" as const, text: "Intent", options: [{ value: "billing" }, { value: "other" }] };
  const rating = { key: "quality", kind: "rating" as const, text: "How good?", min: 1, max: 5 };
  const f = await makeDatasetProject(
    FORMULAS.map((formula, i) => ({ item: { input: formula, outputs: [{ text: formula, model: FORMULAS[(i + 1) % FORMULAS.length]! }], metadata: { tier: formula } }, answers: [{ intent: "billing", quality: 4 }, { intent: "billing", quality: 5 }] })),
    [question, rating],
  );
  const manager = await browserSession(db, f.manager.id);
  const key = (await createApiKey(db, f.manager.actor, { name: "csv injection" })).key;
  const comments = await db.insert(feedback).values(FORMULAS.map((formula) => ({ projectId: f.projectId, comment: formula, segment: formula, model: formula }))).returning({ id: feedback.id });
  const [set] = await db.insert(quoteSets).values({ projectId: f.projectId, name: "Formulas", createdBy: f.manager.id }).returning({ id: quoteSets.id });
  await db.insert(quoteSetItems).values(comments.map((c, i) => ({ setId: set!.id, feedbackId: c.id, position: i, note: FORMULAS[i]! })));
  const [upload] = await db.insert(imports).values({ projectId: f.projectId, createdBy: f.manager.id, origin: "upload", fileName: "formulas.csv", state: "succeeded" }).returning({ id: imports.id });
  await db.insert(importErrors).values(FORMULAS.map((formula, i) => ({ importId: upload!.id, seq: i, line: i + 2, field: formula, message: formula })));
  const requested = await fetch(`${base}/api/v1/projects/${f.projectId}/datasets`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Formulas", filter: {}, options: { labelQuestion: "intent" } }),
  });
  expect(requested.status).toBe(202);
  const datasetId = ((await requested.json()) as { id: string }).id;
  await expect.poll(async () => ((await (await fetch(`${base}/api/v1/datasets/${datasetId}/status`, { headers: { authorization: `Bearer ${key}` } })).json()) as { state: string }).state, { timeout: 60_000 }).toBe("ready");

  const page = (path: string) => fetch(`${base}${path}`, { headers: { cookie: manager.cookie } });
  const api = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const exports: [string, Promise<Response>][] = [
    ["quote set CSV (page)", page(`/projects/${f.projectId}/feedback/quotes/${set!.id}/export.csv`)],
    ["quote set CSV (API)", api(`/api/v1/quote-sets/${set!.id}/export?format=csv`)],
    ["import errors CSV", page(`/projects/${f.projectId}/imports/${upload!.id}/errors.csv`)],
    ["dataset classification CSV (download)", page(`/datasets/${datasetId}/download?format=classification-csv`)],
    ["dataset classification CSV (API)", api(`/api/v1/datasets/${datasetId}/export?format=classification-csv`)],
    ...tableIds.map((table) => [`insight ${table} CSV`, page(`/projects/${f.projectId}/insight.csv?table=${table}&groupBy=model&segment=metadata.tier&interval=day&minCount=1`)] as [string, Promise<Response>]),
  ];
  const planted = new Map<string, number>();
  for (const [name, pending] of exports) {
    const response = await pending;
    const body = await response.text();
    expect(response.status, `${name}: ${body.slice(0, 200)}`).toBe(200);
    expect(response.headers.get("content-type"), name).toMatch(/^text\/csv/);
    const { found, live } = plantedCells(body);
    expect(live, `${name} has cells a spreadsheet would run`).toEqual([]);
    planted.set(name, found.length);
  }
  // Each export really carried the planted text (so the check above could fail), every kind of it.
  for (const name of ["quote set CSV (page)", "quote set CSV (API)", "import errors CSV", "dataset classification CSV (download)", "dataset classification CSV (API)"]) {
    expect(planted.get(name), name).toBeGreaterThanOrEqual(FORMULAS.length);
  }
  expect([...planted].filter(([name, n]) => name.startsWith("insight") && n > 0).length, "an insight table shows the planted model or segment names").toBeGreaterThan(0);
  console.log(`CSV injection: ${planted.size} CSV exports checked: ${[...planted].map(([n, c]) => `${n} ${c}`).join("; ")}.`);
});

test("a revoked API key or ingest key is refused on the very next request", async ({ db }) => {
  const user = seed.users.engineer;
  const session = seed.callers.engineer;
  const created = await createApiKey(db, user.actor, { name: "revoke me" });
  const me = () => fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${created.key}` } });
  expect((await me()).status).toBe(200);
  // Revoked the way a person does it: the API keys page's form.
  const revoke = await fetch(`${base}/settings/api-keys`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: session.cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: session.csrf, intent: "revoke", keyId: created.id }),
  });
  expect(revoke.status).toBeLessThan(400);
  const after = await me();
  expect(after.status).toBe(401);
  expect(await after.json()).toEqual({ error: "Missing or invalid API key: send `Authorization: Bearer <key>`." });
  const list = await fetch(`${base}/api/v1/projects/${seed.projectId}/datasets`, { headers: { authorization: `Bearer ${created.key}` } });
  expect(list.status).toBe(401);

  // An ingest key: feedback and the widget's frame stop accepting it at once.
  const ingest = await createIngestKey(db, seed.users.manager.actor, seed.projectId, { name: "revoke me", allowedOrigins: ["https://shop.example"] });
  const send = () => fetch(`${base}/api/v1/feedback`, { method: "POST", headers: { authorization: `Bearer ${ingest.key}`, "content-type": "application/json" }, body: JSON.stringify({ comment: "Works?" }) });
  const frameAncestors = async () => /frame-ancestors ([^;]*)/.exec((await fetch(`${base}/widget/frame?key=${ingest.key}&traceId=t`)).headers.get("content-security-policy") ?? "")?.[1];
  expect((await send()).status).toBeLessThan(300);
  expect(await frameAncestors()).toBe("https://shop.example");
  const gone = await fetch(`${base}/api/v1/ingest-keys/${ingest.id}`, { method: "DELETE", headers: { authorization: `Bearer ${seed.keys.manager}` } });
  expect(gone.status).toBeLessThan(300);
  expect((await send()).status).toBe(401);
  expect(await frameAncestors()).toBe("'none'");
});

test("a non-member posting to a project's distillation page before any classifier exists gets the project's 404", async () => {
  // why: the matrix's project has classifier settings; the action once read them before authorizing, and
  // answered a stranger's post to a project without them with 409 "choose the question", confirming it exists.
  const bare = await makeDatasetProject([], [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "other" }] }]);
  const outsider = seed.callers.outsider;
  const response = await fetch(`${base}/projects/${bare.projectId}/distillation`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: outsider.cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: outsider.csrf, reviewerHourlyUsd: "30" }),
  });
  expect(response.status).toBe(404);
  expect(await response.text()).not.toContain("Choose the question");
});
