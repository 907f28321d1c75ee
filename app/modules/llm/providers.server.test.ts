import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, llmProviders } from "~db/schema";
import { db } from "~/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { withRollback } from "~test/rollback";
import { loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { startLlmStub, type LlmStub } from "../../../scripts/llm-stub/server";
import { createProvider } from "./create-provider.server";
import { deleteProvider } from "./delete-provider.server";
import { providerSecrets } from "./provider-secrets.server";
import { getProvider, listProviderChoices, listProviders, providerRow } from "./queries.server";
import { testProviderConnection } from "./test-provider.server";
import { updateProvider } from "./update-provider.server";

const KEY = "sk-loupe-RECOGNISABLE-key-7f3a9c";
const HEADER_VALUE = "hdr-RECOGNISABLE-value-5b1e";

let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub();
});
afterAll(() => stub.close());

const auditFor = (providerId: string) =>
  db.select().from(auditLog).where(and(eq(auditLog.targetType, "llm_provider"), eq(auditLog.targetId, providerId))).orderBy(auditLog.id);

const issuesOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return Object.fromEntries((error as ValidationError).issues.map((i) => [i.field, i.message]));
};

describe("LLM providers", () => {
  it("an admin creates a provider: key and header values are stored sealed and never appear in a view or the audit log", async () => {
    const admin = await makeUser({ isAdmin: true });
    const view = await createProvider(db, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: KEY }, headers: [{ name: "X-Org", value: HEADER_VALUE }] }));

    expect(view).toMatchObject({ keySource: "stored", apiKeyEnv: null, headerNames: ["X-Org"], maxConcurrency: 4, enabled: true, baseUrl: stub.url });
    expect(view.models).toEqual([{ id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 }]);
    const row = await providerRow(db, view.id);
    expect(row.apiKeySealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(KEY);
    expect(JSON.stringify(row)).not.toContain(HEADER_VALUE);
    expect(providerSecrets(row)).toEqual({ apiKey: KEY, headers: { "X-Org": HEADER_VALUE } });

    const everything = JSON.stringify([view, await listProviders(db, admin.actor), await getProvider(db, admin.actor, view.id), await auditFor(view.id)]);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(HEADER_VALUE);
    const [entry] = await auditFor(view.id);
    expect(entry).toMatchObject({ action: "llm_provider.create", actorUserId: admin.id, data: expect.objectContaining({ keySource: "stored", headerNames: ["X-Org"] }) });
  });

  it("only instance admins may list, create, change, delete or test providers", async () => {
    const admin = await makeUser({ isAdmin: true });
    const someone = await makeUser();
    const { id } = await createProvider(db, admin.actor, stubProviderInput(stub));
    const attempts = [
      listProviders(db, someone.actor),
      getProvider(db, someone.actor, id),
      createProvider(db, someone.actor, stubProviderInput(stub)),
      updateProvider(db, someone.actor, id, { name: "Mine now" }),
      deleteProvider(db, someone.actor, id),
      testProviderConnection(db, someone.actor, id),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(ForbiddenError);
    expect((await providerRow(db, id)).name).not.toBe("Mine now");
    expect(stub.requests.filter((r) => r.path === "/v1/models")).toHaveLength(0);
  });

  it("names each invalid field and what it expects", async () => {
    const admin = await makeUser({ isAdmin: true });
    const issues = await issuesOf(
      createProvider(db, admin.actor, {
        name: " ",
        baseUrl: "ftp://example.com/v1",
        apiKey: { source: "env", variable: "SESSION_SECRET" },
        models: [{ id: "m", inputPricePerMillion: -1, outputPricePerMillion: null }],
        headers: [{ name: "Host", value: "x" }],
        maxConcurrency: 0,
      }),
    );
    expect(issues).toEqual({
      name: "Enter a name.",
      baseUrl: "Use an http or https URL.",
      "apiKey.variable": "Name an environment variable ending in _API_KEY, e.g. OPENAI_API_KEY.",
      "models.0.inputPricePerMillion": "A price cannot be negative.",
      "headers.0.name": "Loupe sets this header itself.",
      maxConcurrency: "At least 1.",
    });
    expect(await issuesOf(createProvider(db, admin.actor, stubProviderInput(stub, { models: [] })))).toEqual({ models: "Add at least one model." });
    expect(await issuesOf(createProvider(db, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: "" } })))).toEqual({
      "apiKey.value": "Enter the API key, or choose another key source.",
    });
    expect(await issuesOf(createProvider(db, admin.actor, stubProviderInput(stub, { baseUrl: "https://user:pw@example.com/v1" })))).toEqual({
      baseUrl: "Put credentials in the API key or a header, not in the URL.",
    });
  });

  it("refuses a loopback base URL without LOUPE_LLM_ALLOW_PRIVATE and a metadata address even with it", async () => {
    const admin = await makeUser({ isAdmin: true });
    expect(await issuesOf(createProvider(db, admin.actor, stubProviderInput(stub, { baseUrl: "http://169.254.169.254/v1" })))).toEqual({
      baseUrl: "Refused 169.254.169.254: 169.254.169.254 is a cloud metadata service.",
    });
    loadLlmTestEnv({ LOUPE_LLM_ALLOW_PRIVATE: "false" });
    try {
      const issues = await issuesOf(createProvider(db, admin.actor, stubProviderInput(stub)));
      expect(issues.baseUrl).toContain("127.0.0.1 is a loopback address (set LOUPE_LLM_ALLOW_PRIVATE=true");
      await expect(createProvider(db, admin.actor, stubProviderInput(stub, { baseUrl: "https://api.openai.com/v1" }))).resolves.toMatchObject({ baseUrl: "https://api.openai.com/v1" });
    } finally {
      loadLlmTestEnv();
    }
  });

  it("provider names are unique whatever their case, on create and on rename", async () => {
    const admin = await makeUser({ isAdmin: true });
    const first = await createProvider(db, admin.actor, stubProviderInput(stub));
    const second = await createProvider(db, admin.actor, stubProviderInput(stub));
    await expect(createProvider(db, admin.actor, stubProviderInput(stub, { name: first.name.toUpperCase() }))).rejects.toThrow(
      new ConflictError(`An LLM provider named "${first.name.toUpperCase()}" already exists.`),
    );
    await expect(updateProvider(db, admin.actor, second.id, { name: first.name.toLowerCase() })).rejects.toThrow(ConflictError);
    expect((await providerRow(db, second.id)).name).toBe(second.name);
  });

  it("an update keeps a key and header values left empty, replaces what is given, and audits which fields changed", async () => {
    const admin = await makeUser({ isAdmin: true });
    const created = await createProvider(db, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: KEY }, headers: [{ name: "X-Org", value: HEADER_VALUE }] }));

    const renamed = await updateProvider(db, admin.actor, created.id, {
      name: `${created.name} renamed`,
      apiKey: { source: "stored" },
      headers: [{ name: "x-org" }, { name: "X-Team", value: "team-7" }],
      models: [{ id: "loupe-stub-large", inputPricePerMillion: 1, outputPricePerMillion: 2 }],
    });
    expect(renamed).toMatchObject({ name: `${created.name} renamed`, keySource: "stored", headerNames: ["x-org", "X-Team"] });
    expect(providerSecrets(await providerRow(db, created.id))).toEqual({ apiKey: KEY, headers: { "x-org": HEADER_VALUE, "X-Team": "team-7" } });

    await updateProvider(db, admin.actor, created.id, { apiKey: { source: "stored", value: "sk-replaced-0001" }, enabled: false });
    expect(providerSecrets(await providerRow(db, created.id)).apiKey).toBe("sk-replaced-0001");

    const [, update, replace] = await auditFor(created.id);
    expect(update!.data).toMatchObject({ changed: { name: { from: created.name, to: `${created.name} renamed` } }, keyReplaced: false, headerValuesReplaced: ["X-Team"] });
    expect(Object.keys((update!.data as { changed: object }).changed).sort()).toEqual(["headerNames", "models", "name"]);
    expect(replace!.data).toMatchObject({ changed: { enabled: { from: true, to: false } }, keyReplaced: true });
    expect(JSON.stringify(await auditFor(created.id))).not.toMatch(/sk-replaced|RECOGNISABLE|team-7/);

    expect(await issuesOf(updateProvider(db, admin.actor, created.id, { headers: [{ name: "X-New" }] }))).toEqual({ "headers.0.value": "Enter a value for X-New." });
  });

  it("switching the key source to an environment variable, or to none, forgets the stored key", async () => {
    const admin = await makeUser({ isAdmin: true });
    const created = await createProvider(db, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: KEY } }));
    const env = await updateProvider(db, admin.actor, created.id, { apiKey: { source: "env", variable: "LOUPE_TEST_STUB_API_KEY" } });
    expect(env).toMatchObject({ keySource: "env", apiKeyEnv: "LOUPE_TEST_STUB_API_KEY" });
    expect((await providerRow(db, created.id)).apiKeySealed).toBeNull();
    // "Keep the stored key" means nothing once none is stored.
    expect(await issuesOf(updateProvider(db, admin.actor, created.id, { apiKey: { source: "stored" } }))).toEqual({ "apiKey.value": "Enter the API key, or choose another key source." });
    const none = await updateProvider(db, admin.actor, created.id, { apiKey: { source: "none" } });
    expect(none).toMatchObject({ keySource: "none", apiKeyEnv: null });
  });

  it("deletes a provider with an audit entry, and refuses while another table still refers to it", async () => {
    const admin = await makeUser({ isAdmin: true });
    const gone = await createProvider(db, admin.actor, stubProviderInput(stub));
    await deleteProvider(db, admin.actor, gone.id);
    await expect(providerRow(db, gone.id)).rejects.toThrow(NotFoundError);
    expect((await auditFor(gone.id)).map((e) => e.action)).toEqual(["llm_provider.create", "llm_provider.delete"]);
    await expect(deleteProvider(db, admin.actor, gone.id)).rejects.toThrow(NotFoundError);

    // why: the job tables come later; a stand-in referencing llm_providers the way they will
    // (ON DELETE RESTRICT) shows the refusal, and the rollback removes it again.
    await withRollback(async (tx) => {
      const kept = await createProvider(tx, admin.actor, stubProviderInput(stub));
      await tx.execute(sql`create table llm_jobs_stand_in (id serial primary key, provider_id uuid not null references llm_providers(id) on delete restrict)`);
      await tx.execute(sql`insert into llm_jobs_stand_in (provider_id) values (${kept.id})`);
      await expect(deleteProvider(tx, admin.actor, kept.id)).rejects.toThrow(
        new ConflictError("This provider is still in use (by llm jobs stand in), so it cannot be deleted. Disable it instead to keep its history."),
      );
      expect((await tx.select().from(llmProviders).where(eq(llmProviders.id, kept.id))).length).toBe(1);
    });
  });

  it("lists enabled providers and their models for people choosing a model, without URLs or keys", async () => {
    const admin = await makeUser({ isAdmin: true });
    const on = await createProvider(db, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: KEY } }));
    const off = await createProvider(db, admin.actor, stubProviderInput(stub, { enabled: false }));
    const choices = await listProviderChoices(db);
    expect(choices.find((c) => c.id === on.id)).toEqual({ id: on.id, name: on.name, models: on.models });
    expect(choices.find((c) => c.id === off.id)).toBeUndefined();
    expect(JSON.stringify(choices)).not.toContain(KEY);
  });
});
