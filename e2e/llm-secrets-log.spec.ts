import { expect, test } from "@playwright/test";
import { connect } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { createUser } from "~/modules/users/create-user.server";
import { createDatabase, databaseUrl, dropDatabases, uniqueName } from "../scripts/lib/pg-admin.mjs";
import { startLlmStub } from "../scripts/llm-stub/server";
import { freePort, spawnLoupe, untilHealthy } from "./support/loupe-process";

// This story starts its own Loupe, to read everything the server process writes.
const e2eUrl = process.env.E2E_DATABASE_URL;
const KEY = "sk-e2e-RECOGNISABLE-logged-never-93d0";
const HEADER_VALUE = "hdr-e2e-RECOGNISABLE-5e77";

test("a provider call that fails leaves no key or header value in the server log or the API answers", async () => {
  if (!e2eUrl) throw new Error("E2E_DATABASE_URL is not set: run this through `npm test` (scripts/test.mjs).");
  const adminUrl = databaseUrl(e2eUrl!, "postgres");
  const name = uniqueName("loupe_e2e_llm");
  await createDatabase(adminUrl, name);
  // why: the stub echoes the key it was sent in its 401, as real providers partly do.
  const stub = await startLlmStub({ apiKey: "the-right-key" });
  const loupe = spawnLoupe(
    {
      DATABASE_URL: databaseUrl(adminUrl, name),
      SESSION_SECRET: "e2e secret for the LLM log story, long enough",
      LOUPE_LLM_ALLOW_PRIVATE: "true",
      LOUPE_LOG_LEVEL: "debug",
      OPENAI_LOG: "debug",
    },
    await freePort(),
  );
  const connection = connect(databaseUrl(adminUrl, name), { max: 1 });
  try {
    await untilHealthy(loupe);
    const admin = await createUser(connection.db, null, { email: "llm-admin@example.com", name: "LLM admin", password: "a long enough password", isAdmin: true });
    const { key } = await createApiKey(connection.db, { userId: admin.id, isAdmin: true, via: "cli" }, { name: "e2e" });
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${loupe.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers } });

    const created = await api("/api/v1/llm/providers", {
      method: "POST",
      body: JSON.stringify({
        name: "Echoing stub",
        baseUrl: stub.url,
        apiKey: { source: "stored", value: KEY },
        headers: [{ name: "X-Team", value: HEADER_VALUE }],
        models: [{ id: "loupe-stub-small" }],
      }),
    });
    const createdText = await created.text();
    expect(created.status).toBe(201);
    const { id } = JSON.parse(createdText) as { id: string };

    const tested = await api(`/api/v1/llm/providers/${id}/test`, { method: "POST" });
    const testedText = await tested.text();
    expect(JSON.parse(testedText)).toMatchObject({ ok: false, error: { status: 401, message: "Incorrect API key provided: [redacted]." } });
    expect(stub.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    const listed = await (await api("/api/v1/llm/providers")).text();

    const output = loupe.output();
    expect(output.length).toBeGreaterThan(0);
    for (const text of [createdText, testedText, listed, output]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(HEADER_VALUE);
    }
  } finally {
    await connection.sql.end({ timeout: 5 });
    await loupe.stop();
    await stub.close();
    await dropDatabases(adminUrl, [name]);
  }
});
