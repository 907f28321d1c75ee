import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { env } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";

/**
 * Secrets at rest (LLM provider keys and header values; webhook secrets later): AES-256-GCM under
 * a key derived with HKDF-SHA256 from the server secret (SESSION_SECRET). A sealed value reads
 * `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url), so each ciphertext names the key that opens
 * it, and is bound to its place (`context`, e.g. `llm_providers/<id>/api_key`) as associated
 * data, so a ciphertext copied into another row or field does not open. Rotation: see ADR 0011.
 */

export type SecretKey = { id: string; key: Buffer };
export type Keyring = { current: SecretKey; previous?: SecretKey };

/** A sealed secret that cannot be opened: its key is not in the keyring, or it was altered. */
export class SecretUnavailableError extends DomainError {
  override readonly status = 500;
}

const VERSION = "v1";
const SALT = "loupe-sealed-secrets";

/** The AES key for a server secret, and its id (a hash of the key: it says which key, nothing of it). */
export function deriveKey(serverSecret: string): SecretKey {
  const key = Buffer.from(hkdfSync("sha256", serverSecret, SALT, "loupe secrets v1 aes-256-gcm", 32));
  const id = createHash("sha256").update("loupe key id\0").update(key).digest("hex").slice(0, 12);
  return { id, key };
}

const cache = new Map<string, SecretKey>();
const derived = (secret: string) => {
  let key = cache.get(secret);
  if (!key) cache.set(secret, (key = deriveKey(secret)));
  return key;
};

/** The keyring from the environment: SESSION_SECRET, and LOUPE_PREVIOUS_SECRET during a rotation. */
export function keyring(): Keyring {
  const { sessionSecret, previousSecret } = env();
  if (!sessionSecret) throw new SecretUnavailableError("The server secret is not loaded, so stored secrets cannot be used here.");
  return { current: derived(sessionSecret), previous: previousSecret ? derived(previousSecret) : undefined };
}

const b64 = (buffer: Buffer) => buffer.toString("base64url");

/** Encrypts `plaintext` for the place named by `context` under the keyring's current key. */
export function sealSecret(plaintext: string, context: string, ring: Keyring = keyring()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, ring.current.id, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join(".");
}

/** The id of the key a sealed value was encrypted under. */
export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split(".");
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

/** Decrypts a value sealed for `context` with whichever key of the keyring it names. */
export function openSecret(sealed: string, context: string, ring: Keyring = keyring()): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretUnavailableError(`A stored secret for ${context} is not in a format this Loupe reads.`);
  const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const key = [ring.current, ring.previous].find((k) => k?.id === keyId);
  if (!key) {
    throw new SecretUnavailableError(
      `A stored secret for ${context} was encrypted under a server secret this Loupe does not have (key id ${keyId}; current ${ring.current.id}). ` +
        "Set LOUPE_PREVIOUS_SECRET to the SESSION_SECRET it was saved under and run `loupe llm providers rekey`, or enter the secret again.",
    );
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnavailableError(`A stored secret for ${context} does not open with key ${keyId}: it was altered or belongs elsewhere.`);
  }
}

/** The sealed value under the current key (opening it with whichever key it names); unchanged when already current. */
export function resealSecret(sealed: string, context: string, ring: Keyring = keyring()): string {
  if (sealedKeyId(sealed) === ring.current.id) return sealed;
  return sealSecret(openSecret(sealed, context, ring), context, ring);
}
