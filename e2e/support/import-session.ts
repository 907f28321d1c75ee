/**
 * Signing in and uploading over plain HTTP, as a browser does, for stories that run their own
 * Loupe process (and so cannot use the fixtures' session rows).
 */

/** Signs in; returns the session cookie and the form token of the project's import page. */
export async function importSession(base: string, projectId: string, credentials: { email: string; password: string }) {
  const login = await fetch(`${base}/login`);
  const anon = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const signedIn = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base, cookie: anon },
    body: new URLSearchParams({ _csrf: token, email: credentials.email, password: credentials.password }),
  });
  const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("loupe_session="))!.split(";")[0]!;
  const page = await (await fetch(`${base}/projects/${projectId}/import`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]! };
}

/** Uploads a file through the import page's route (JSON answer): what the page's Import button sends. */
export async function uploadImport(base: string, projectId: string, credentials: { email: string; password: string }, file: Buffer, fileName: string) {
  const { cookie, csrf } = await importSession(base, projectId, credentials);
  const form = new FormData();
  form.set("_csrf", csrf);
  form.set("file", new Blob([new Uint8Array(file)]), fileName);
  const response = await fetch(`${base}/projects/${projectId}/imports`, { method: "POST", headers: { cookie, origin: base, accept: "application/json" }, body: form });
  return { status: response.status, json: (await response.json()) as { importId: string; state: string; message: string | null } };
}
