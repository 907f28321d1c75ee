import { describe, expect, it } from "vitest";
import { SecretUnavailableError, deriveKey, openSecret, resealSecret, sealSecret, sealedKeyId, type Keyring } from "./sealed-secret.server";

const OLD = "the old server secret, long enough to count";
const NEW = "the new server secret, also long enough to count";
const ring = (current: string, previous?: string): Keyring => ({ current: deriveKey(current), previous: previous ? deriveKey(previous) : undefined });

describe("sealed secrets", () => {
  it("seal and open a value for its context; the sealed text names its key and holds nothing readable", () => {
    const sealed = sealSecret("sk-live-abcdef123456", "llm_providers/p1/api_key", ring(OLD));
    expect(sealed).toMatch(/^v1\.[0-9a-f]{12}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("sk-live");
    expect(sealedKeyId(sealed)).toBe(deriveKey(OLD).id);
    expect(openSecret(sealed, "llm_providers/p1/api_key", ring(OLD))).toBe("sk-live-abcdef123456");
    // A fresh IV each time: the same secret never seals to the same text.
    expect(sealSecret("sk-live-abcdef123456", "llm_providers/p1/api_key", ring(OLD))).not.toBe(sealed);
  });

  it("refuses a value moved to another row or field, or altered", () => {
    const sealed = sealSecret("sk-1", "llm_providers/p1/api_key", ring(OLD));
    expect(() => openSecret(sealed, "llm_providers/p2/api_key", ring(OLD))).toThrow(/was altered or belongs elsewhere/);
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => openSecret(parts.join("."), "llm_providers/p1/api_key", ring(OLD))).toThrow(SecretUnavailableError);
  });

  it("rotates: after the secret changes, values open with the previous key until resealed under the new one", () => {
    const sealed = sealSecret("sk-rotate", "ctx", ring(OLD));

    expect(() => openSecret(sealed, "ctx", ring(NEW))).toThrow(
      `A stored secret for ctx was encrypted under a server secret this Loupe does not have (key id ${deriveKey(OLD).id}; current ${deriveKey(NEW).id}). Set LOUPE_PREVIOUS_SECRET to the SESSION_SECRET it was saved under and run \`loupe llm providers rekey\`, or enter the secret again.`,
    );
    expect(openSecret(sealed, "ctx", ring(NEW, OLD))).toBe("sk-rotate");

    const resealed = resealSecret(sealed, "ctx", ring(NEW, OLD));
    expect(sealedKeyId(resealed)).toBe(deriveKey(NEW).id);
    expect(openSecret(resealed, "ctx", ring(NEW))).toBe("sk-rotate");
    expect(resealSecret(resealed, "ctx", ring(NEW))).toBe(resealed);
  });
});
