import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { eq } from "drizzle-orm";
import { users } from "~db/schema";
import { connect } from "~/db.server";
import { createUser } from "~/modules/users/create-user.server";
import { NUL_MESSAGE } from "~/utils/nul";

const PASSWORD = "security spec password";

async function newUser(isAdmin = false) {
  const { db, sql } = connect(process.env.E2E_DATABASE_URL!, { max: 1 });
  try {
    return await createUser(db, null, { email: `sec-${randomUUID()}@example.com`, name: "Sec", password: PASSWORD, isAdmin });
  } finally {
    await sql.end();
  }
}

/** The anonymous cookie and the form token a browser gets with a page. */
async function formContext(baseURL: string, path: string, cookie = "") {
  const page = await fetch(`${baseURL}${path}`, { headers: { cookie } });
  const set = page.headers.getSetCookie().map((c) => c.split(";")[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  return { cookie: [cookie, ...set].filter(Boolean).join("; "), token, setCookies: page.headers.getSetCookie() };
}

async function signedIn(baseURL: string, isAdmin = false) {
  const user = await newUser(isAdmin);
  const anon = await formContext(baseURL, "/login");
  const response = await fetch(`${baseURL}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: baseURL, cookie: anon.cookie },
    body: new URLSearchParams({ _csrf: anon.token, email: user.email, password: PASSWORD }),
  });
  expect(response.status).toBe(302);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("loupe_session="))!.split(";")[0]!;
  const { token } = await formContext(baseURL, "/projects", cookie);
  return { cookie, token };
}

const stillSignedIn = async (baseURL: string, cookie: string) =>
  (await fetch(`${baseURL}/projects`, { headers: { cookie }, redirect: "manual" })).status === 200;

test.describe("Loupe refuses cross-site and malformed requests", () => {
  test("pages carry a strict Content-Security-Policy whose nonce lets only Remix's own scripts run", async ({ page, baseURL }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto("/login");
    const csp = response!.headers()["content-security-policy"]!;
    const scriptSrc = csp.split(";").find((d) => d.startsWith("script-src"))!;
    expect(scriptSrc).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]+'$/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/img-src 'self' data:(;|$)/);
    // The app hydrated: Remix's inline bootstrap script ran under the nonce.
    await expect.poll(() => page.evaluate(() => "__remixContext" in window)).toBe(true);
    expect(violations).toEqual([]);

    const headers = response!.headers();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["x-powered-by"]).toBeUndefined();
    const anon = (await fetch(`${baseURL}/login`)).headers.getSetCookie().join("\n");
    expect(anon).toMatch(/loupe_anon=.*HttpOnly.*SameSite=Lax/i);
  });

  test("a state-changing request without the form token, or from another origin, gets 403 and changes nothing", async ({ baseURL }) => {
    const { cookie, token } = await signedIn(baseURL!);
    const logout = (headers: Record<string, string>, body: Record<string, string>) =>
      fetch(`${baseURL}/logout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...headers },
        body: new URLSearchParams(body),
      });

    const noToken = await logout({ origin: baseURL! }, {});
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("form token is missing");

    const wrongToken = await logout({ origin: baseURL! }, { _csrf: "forged" });
    expect(wrongToken.status).toBe(403);

    const crossSite = await logout({ origin: "https://evil.example" }, { _csrf: token });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain("cross-origin request from https://evil.example");

    const noOrigin = await logout({}, { _csrf: token });
    expect(noOrigin.status).toBe(403);

    const fromReferer = await logout({ referer: "https://evil.example/page" }, { _csrf: token });
    expect(fromReferer.status).toBe(403);

    expect(await stillSignedIn(baseURL!, cookie)).toBe(true);

    // The same request done right goes through, and really ends the session.
    const ok = await logout({ origin: baseURL! }, { _csrf: token });
    expect(ok.status).toBe(302);
    expect(await stillSignedIn(baseURL!, cookie)).toBe(false);
  });

  test("an opaque or malformed Origin is refused with 403 even when the Referer is this site", async ({ baseURL }) => {
    const { cookie, token } = await signedIn(baseURL!);
    for (const origin of ["null", "not a url", "null, null"]) {
      const response = await fetch(`${baseURL}/logout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin, referer: `${baseURL}/projects` },
        body: new URLSearchParams({ _csrf: token }),
      });
      expect(response.status, `Origin: ${origin}`).toBe(403);
      expect(await response.text()).toContain("Forbidden:");
    }
    expect(await stillSignedIn(baseURL!, cookie)).toBe(true);

    // The sign-in form (a page action, not a resource route) answers the same, not 500.
    const user = await newUser();
    const anon = await formContext(baseURL!, "/login");
    const login = await fetch(`${baseURL}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: anon.cookie, origin: "null", referer: `${baseURL}/login` },
      body: new URLSearchParams({ _csrf: anon.token, email: user.email, password: PASSWORD }),
    });
    expect(login.status).toBe(403);
    expect(await login.text()).toContain("opaque or malformed origin");
    expect(login.headers.getSetCookie().some((c) => c.startsWith("loupe_session="))).toBe(false);
  });

  test("a NUL in any form field or query parameter is a 400 naming the field, and nothing is stored", async ({ baseURL }) => {
    const { cookie, token } = await signedIn(baseURL!, true);
    const post = (path: string, body: URLSearchParams | FormData) =>
      fetch(`${baseURL}${path}`, { method: "POST", redirect: "manual", headers: { cookie, origin: baseURL! }, body });

    // The admin's create-user form: a NUL in the name used to fail the insert with a 500.
    const email = `nul-${randomUUID()}@example.com`;
    const user = await post("/admin/users", new URLSearchParams({ _csrf: token, intent: "create", email, name: "Nul\u0000Name", password: PASSWORD }));
    expect(user.status).toBe(400);
    expect(await user.text()).toBe(`The field “name” ${NUL_MESSAGE}`);

    // A multipart form (what a browser sends with a file input) is read the same way.
    const multipart = new FormData();
    multipart.set("_csrf", token);
    multipart.set("name", `Project ${randomUUID()}`);
    multipart.set("description", "line one\u0000");
    const project = await post("/projects/new", multipart);
    expect(project.status).toBe(400);
    expect(await project.text()).toContain("“description”");

    // JSON carried in a form field (the template editor, the review form's answers) spells NUL as \u0000.
    const projectResponse = await post("/projects/new", new URLSearchParams({ _csrf: token, name: `Nul ${randomUUID()}`, preset: "classify" }));
    expect(projectResponse.status).toBe(302);
    const templatePath = `${new URL(projectResponse.headers.get("location")!, baseURL).pathname}/template`;
    const template = JSON.stringify({ questions: [{ key: "ok", kind: "thumbs", text: "Fine?\u0000" }] });
    const escaped = await post(templatePath, new URLSearchParams({ _csrf: token, template }));
    expect(escaped.status).toBe(400);
    expect(await escaped.text()).toContain("“template.questions.0.text”");

    const query = await fetch(`${baseURL}/projects?redirectTo=%00`, { headers: { cookie } });
    expect(query.status).toBe(400);
    expect(await query.text()).toContain("“redirectTo”");

    const { db, sql } = connect(process.env.E2E_DATABASE_URL!, { max: 1 });
    try {
      expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    } finally {
      await sql.end();
    }
  });

  test("a form token belongs to one session: another session's token is refused", async ({ baseURL }) => {
    const alice = await signedIn(baseURL!);
    const bob = await signedIn(baseURL!);
    const response = await fetch(`${baseURL}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: alice.cookie, origin: baseURL! },
      body: new URLSearchParams({ _csrf: bob.token }),
    });
    expect(response.status).toBe(403);
    expect(await stillSignedIn(baseURL!, alice.cookie)).toBe(true);
  });

  test("sign-in itself needs the anonymous form token (no login CSRF)", async ({ baseURL }) => {
    const user = await newUser();
    const response = await fetch(`${baseURL}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: baseURL! },
      body: new URLSearchParams({ email: user.email, password: PASSWORD }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("loupe_session="))).toBe(false);
  });

  test("an oversized body gets 413 with the limit named, before anything is read into a form", async ({ baseURL }) => {
    const anon = await formContext(baseURL!, "/login");
    const response = await fetch(`${baseURL}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: baseURL!, cookie: anon.cookie },
      body: `_csrf=${anon.token}&email=${"a".repeat(2 * 1024 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("larger than the 1 MB limit");
  });

  test("an unknown address shows the not-found page with a way back", async ({ page }) => {
    const response = await page.goto(`/no/such/page/${randomUUID()}`);
    expect(response!.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to your projects" })).toBeVisible();
  });

  test("/healthz answers 200 after a database round trip", async ({ request }) => {
    const response = await request.get("/healthz");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
