import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llmProviders } from "~db/schema";
import { deriveKey, sealedKeyId } from "~/modules/secrets/sealed-secret.server";
import { ForbiddenError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { withRollback } from "~test/rollback";
import { TEST_SECRET, loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { startLlmStub, type LlmStub } from "../../../scripts/llm-stub/server";
import { createProvider } from "./create-provider.server";
import { providerSecrets } from "./provider-secrets.server";
import { providerRow } from "./queries.server";
import { rekeyProviders } from "./rekey-providers.server";

const NEW_SECRET = "the rotated session secret, long enough for it";
const LOST_SECRET = "a secret nobody kept, long enough to be valid";
let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub();
});
afterAll(async () => {
  loadLlmTestEnv();
  await stub.close();
});

describe("rekeyProviders", () => {
  it("reseals every key and header value under the new secret, and names providers whose secrets no key opens", async () => {
    // why: in a rolled-back transaction, because the rotation touches every provider in this worker's database.
    await withRollback(async (tx) => {
      const admin = await makeUser({ isAdmin: true, on: tx });
      const rotated = await createProvider(tx, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: "sk-rotate-me" }, headers: [{ name: "X-A", value: "header-a" }] }));
      loadLlmTestEnv({ SESSION_SECRET: LOST_SECRET });
      const orphan = await createProvider(tx, admin.actor, stubProviderInput(stub, { apiKey: { source: "stored", value: "sk-orphan" } }));

      loadLlmTestEnv({ SESSION_SECRET: NEW_SECRET, LOUPE_PREVIOUS_SECRET: TEST_SECRET });
      await expect(rekeyProviders(tx, (await makeUser({ on: tx })).actor)).rejects.toThrow(ForbiddenError);
      const result = await rekeyProviders(tx, admin.actor);

      expect(result.resealed).toContain(rotated.name);
      expect(result.unavailable).toContainEqual({ name: orphan.name, reason: expect.stringContaining(`key id ${deriveKey(LOST_SECRET).id}`) });
      const row = await providerRow(tx, rotated.id);
      expect(sealedKeyId(row.apiKeySealed!)).toBe(deriveKey(NEW_SECRET).id);
      expect(sealedKeyId(row.headers[0]!.sealedValue)).toBe(deriveKey(NEW_SECRET).id);

      // The previous secret is no longer needed for it.
      loadLlmTestEnv({ SESSION_SECRET: NEW_SECRET });
      expect(providerSecrets(row)).toEqual({ apiKey: "sk-rotate-me", headers: { "X-A": "header-a" } });
      const again = await rekeyProviders(tx, admin.actor);
      expect(again.current).toContain(rotated.name);
      expect(again.resealed).not.toContain(rotated.name);
      const [orphanRow] = await tx.select().from(llmProviders).where(eq(llmProviders.id, orphan.id));
      expect(sealedKeyId(orphanRow!.apiKeySealed!)).toBe(deriveKey(LOST_SECRET).id);
    });
  });
});
