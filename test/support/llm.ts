import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEnv } from "~/utils/env.server";
import type { ProviderInput } from "~/modules/llm/schemas";
import type { LlmStub } from "../../scripts/llm-stub/server";

export const TEST_SECRET = "a session secret for the LLM tests, long enough";

/**
 * Loads the environment the LLM code reads (the server secret its keys are sealed under, and
 * LOUPE_LLM_ALLOW_PRIVATE, which the local stub on 127.0.0.1 needs), with `extra` on top.
 */
export function loadLlmTestEnv(extra: Record<string, string | undefined> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-llm-"));
  return loadEnv({ ...process.env, SESSION_SECRET: TEST_SECRET, LOUPE_LLM_ALLOW_PRIVATE: "true", LOUPE_DATA_DIR: dataDir, ...extra });
}

let counter = 0;

/** A provider pointing at the stub, with a unique name; `overrides` replace any field. */
export function stubProviderInput(stub: LlmStub, overrides: Partial<ProviderInput> = {}): ProviderInput {
  counter += 1;
  return {
    name: `Stub ${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    baseUrl: stub.url,
    apiKey: { source: "none" },
    models: [{ id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 }],
    ...overrides,
  };
}
