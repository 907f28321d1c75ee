import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llmProviders } from "~db/schema";
import { providerSecrets } from "~/modules/llm/provider-secrets.server";
import { deriveKey, sealedKeyId } from "~/modules/secrets/sealed-secret.server";
import { testDatabaseUrl, testDb } from "~test/db";
import { TEST_SECRET, loadLlmTestEnv } from "~test/support/llm";
import { startLlmStub, type LlmStub } from "../scripts/llm-stub/server";
import { STACK_TRACE, runCli, tempDataDir } from "./test-helpers";

const KEY = "sk-loupe-RECOGNISABLE-cli-2b7d";
let stub: LlmStub;
let env: Record<string, string>;

beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub({ apiKey: KEY });
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir(), SESSION_SECRET: TEST_SECRET, LOUPE_LLM_ALLOW_PRIVATE: "true" };
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true });
});

const unique = (tag: string) => `${tag} ${Math.random().toString(36).slice(2, 8)}`;
const row = async (name: string) => (await testDb().select().from(llmProviders).where(eq(llmProviders.name, name)))[0];

describe("loupe llm providers", () => {
  it("add reads the key from stdin, stores it sealed, and --test reports the models (exit 0)", async () => {
    const name = unique("CLI stub");
    const result = await runCli(["llm", "providers", "add", "--name", name, "--base-url", stub.url, "--model", "loupe-stub-small=0.15/0.6", "--model", "llama3.1:8b", "--api-key-stdin", "--test"], {
      env,
      input: `${KEY}\n`,
    });

    expect(result.stderr).toBe("warning: the provider does not list llama3.1:8b\n");
    expect(result.code).toBe(0);
    const saved = await row(name);
    expect(result.stdout).toMatch(new RegExp(`^${saved!.id} ${name}\nok \\d+ ms; models: loupe-stub-small, loupe-stub-large, loupe-stub-embed\n$`));
    expect(saved!.models).toEqual([
      { id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 },
      { id: "llama3.1:8b", inputPricePerMillion: null, outputPricePerMillion: null },
    ]);
    expect(saved!.apiKeySealed).not.toContain(KEY);
    expect(providerSecrets(saved!).apiKey).toBe(KEY);
    expect(stub.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);

    const list = await runCli(["llm", "providers", "list"], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${name}\t${stub.url}\tkey stored\tenabled\n  loupe-stub-small\tin $0.15/1M\tout $0.60/1M\n  llama3.1:8b\tin —/1M\tout —/1M\n`);
    expect(list.stdout + list.stderr).not.toContain(KEY);
  });

  it("test exits 2 with the provider's own error when the key is wrong, never printing the key", async () => {
    const name = unique("CLI env key");
    const added = await runCli(["llm", "providers", "add", "--name", name, "--base-url", stub.url, "--model", "loupe-stub-small", "--api-key-env", "LOUPE_CLI_TEST_API_KEY"], { env });
    expect(added.code).toBe(0);

    const wrong = await runCli(["llm", "providers", "test", name], { env: { ...env, LOUPE_CLI_TEST_API_KEY: `${KEY}-wrong` } });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/^failed after \d+ ms: 401 Incorrect API key provided: \[redacted\]\.\n$/);
    expect(wrong.stdout + wrong.stderr).not.toContain(KEY);

    const right = await runCli(["llm", "providers", "test", name.toUpperCase()], { env: { ...env, LOUPE_CLI_TEST_API_KEY: KEY } });
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^ok \d+ ms; models: /);
  });

  it("explains bad usage in one line and adds nothing", async () => {
    const name = unique("CLI bad");
    const cases: [string[], string][] = [
      [["--base-url", stub.url], "error: Name at least one model with --model, e.g. --model gpt-4o-mini=0.15/0.6.\n"],
      [["--base-url", stub.url, "--model", "m=cheap"], "error: --model m=cheap: give prices as input/output US dollars per million tokens, e.g. m=0.15/0.6.\n"],
      [["--base-url", stub.url, "--model", "m", "--api-key-stdin", "--api-key-env", "X_API_KEY"], "error: Give the key one way: --api-key-stdin or --api-key-env, not both.\n"],
      [["--base-url", "http://169.254.169.254/v1", "--model", "m", "--max-concurrency", "0"], "error: invalid input\n  --max-concurrency: At least 1.\n  --base-url: Refused 169.254.169.254: 169.254.169.254 is a cloud metadata service.\n"],
      [["--base-url", stub.url, "--model", "m", "--api-key-env", "DATABASE_URL"], "error: invalid input\n  --api-key-env: Name an environment variable ending in _API_KEY, e.g. OPENAI_API_KEY.\n"],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCli(["llm", "providers", "add", "--name", name, ...args], { env, input: "" });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(stderr);
      expect(result.stderr).not.toMatch(STACK_TRACE);
    }
    expect(await row(name)).toBeUndefined();
    const missing = await runCli(["llm", "providers", "test", "no such provider"], { env });
    expect(missing).toMatchObject({ code: 1, stderr: 'error: No LLM provider is named "no such provider".\n' });
  });

  it("rekey re-encrypts stored keys under a new SESSION_SECRET with the old one as LOUPE_PREVIOUS_SECRET", async () => {
    const name = unique("CLI rekey");
    await runCli(["llm", "providers", "add", "--name", name, "--base-url", stub.url, "--model", "m", "--api-key-stdin"], { env, input: KEY });
    const NEW = "a brand new session secret for the CLI rekey test";

    const before = await runCli(["llm", "providers", "test", name], { env: { ...env, SESSION_SECRET: NEW } });
    expect(before.code).toBe(2);
    expect(before.stdout).toContain("was encrypted under a server secret this Loupe does not have");

    const rekey = await runCli(["llm", "providers", "rekey"], { env: { ...env, SESSION_SECRET: NEW, LOUPE_PREVIOUS_SECRET: TEST_SECRET } });
    expect(rekey.stdout).toMatch(/^Re-encrypted [1-9]\d* provider\(s\); \d+ already current; \d+ could not be opened\.\n$/);
    expect(sealedKeyId((await row(name))!.apiKeySealed!)).toBe(deriveKey(NEW).id);
    const after = await runCli(["llm", "providers", "test", name], { env: { ...env, SESSION_SECRET: NEW } });
    expect(after.code).toBe(0);
  });
});
