import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import { formAction, formReader, pageLoader } from "./route.server";

const user = { id: "3f1b8d8e-6a53-4a8e-9d7e-0d3c2f1e5a11", isAdmin: false } as NonNullable<AppLoadContext["user"]>;
const signedIn = { user } as AppLoadContext;
const visitor = { user: null } as unknown as AppLoadContext;

function post(fields: Record<string, string | string[]>, context = signedIn): ActionFunctionArgs {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return { request: new Request("http://loupe.test/projects/p/settings", { method: "POST", body }), params: {}, context };
}

/** What an action answered: a `data()` result carries its body and status. */
function answered(result: unknown) {
  const { data, init } = result as { data: unknown; init: ResponseInit | null };
  return { data, status: init?.status ?? 200 };
}

describe("formReader", () => {
  it("reads text with LF line breaks, absent fields as empty, lists without blanks, and checkboxes", () => {
    const form = new FormData();
    form.append("note", "one\r\ntwo\rthree");
    form.append("tag", "a");
    form.append("tag", "");
    form.append("tag", "b");
    form.append("on", "on");
    form.append("off", "false");
    form.append("file", new Blob(["bytes"]), "x.csv");
    const read = formReader(form);
    expect(read.text("note")).toBe("one\ntwo\nthree");
    expect(read.text("missing")).toBe("");
    expect(read.optional("missing")).toBeUndefined();
    expect(read.all("tag")).toEqual(["a", "b"]);
    expect([read.checked("on"), read.checked("off"), read.checked("missing")]).toEqual([true, false, false]);
    expect(read.text("file")).toBe("");
    expect(read.pick("note", "missing")).toEqual({ note: "one\ntwo\nthree", missing: "" });
  });
});

describe("formAction", () => {
  it("answers a validation error with its field messages and 400, and sends back what the form asked for", async () => {
    const action = formAction(
      async ({ form }) => {
        throw new ValidationError("Check the fields.", [{ field: "name", message: `"${form.text("name")}" is too short.` }]);
      },
      { extra: (form) => ({ values: form.pick("name") }) },
    );
    expect(answered(await action(post({ name: "x" })))).toEqual({ data: { values: { name: "x" }, fieldErrors: { name: '"x" is too short.' } }, status: 400 });
  });

  it("puts a conflict beside its field, other domain errors on the form, with their status", async () => {
    const conflict = formAction(async () => Promise.reject(new ConflictError("Taken.")), { conflictField: "name" });
    expect(answered(await conflict(post({})))).toEqual({ data: { fieldErrors: { name: "Taken." } }, status: 409 });
    const missing = formAction(async () => Promise.reject(new NotFoundError("No such project.")));
    expect(answered(await missing(post({})))).toEqual({ data: { formError: "No such project." }, status: 404 });
  });

  it("lets redirects and unexpected errors through, and sends a visitor to sign in unless the page is for visitors", async () => {
    const broken = formAction(async () => Promise.reject(new TypeError("a bug")));
    await expect(broken(post({}))).rejects.toThrow("a bug");
    const redirecting = formAction(async () => Promise.reject(new Response(null, { status: 302, headers: { Location: "/x" } })));
    await expect(redirecting(post({}))).rejects.toMatchObject({ status: 302 });

    const signInFirst = await formAction(async () => "ran")(post({}, visitor)).catch((e: unknown) => e);
    expect(signInFirst).toBeInstanceOf(Response);
    expect((signInFirst as Response).headers.get("location")).toBe("/login?redirectTo=%2Fprojects%2Fp%2Fsettings");
    const forVisitors = formAction(async ({ actor }) => ({ actor }), { anonymous: true });
    expect(await forVisitors(post({}, visitor))).toEqual({ actor: null });
    expect(await forVisitors(post({}))).toEqual({ actor: { userId: user.id, isAdmin: false, via: "session" } });
  });
});

describe("pageLoader", () => {
  const args = (context: AppLoadContext): LoaderFunctionArgs => ({ request: new Request("http://loupe.test/projects/p"), params: {}, context });

  it("gives the page its actor, and turns a domain error into the page's error response", async () => {
    expect(await pageLoader(async ({ actor }) => actor.userId)(args(signedIn))).toBe(user.id);
    const thrown = await pageLoader(async () => Promise.reject(new NotFoundError("No such project.")))(args(signedIn)).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ data: "No such project.", init: { status: 404 } });
    await expect(pageLoader(async () => Promise.reject(new TypeError("a bug")))(args(signedIn))).rejects.toThrow("a bug");
    const visitorSent = await pageLoader(async () => "ran")(args(visitor)).catch((e: unknown) => e);
    expect((visitorSent as Response).headers.get("location")).toBe("/login?redirectTo=%2Fprojects%2Fp");
  });
});
