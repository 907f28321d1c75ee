import { and, eq, isNull } from "drizzle-orm";
import { ingestKeys } from "~db/schema";
import type { Db } from "~/db.server";
import { sha256 } from "~/modules/auth/crypto.server";

const KEY_SHAPE = /^lfi_[0-9a-f]{8}_[A-Za-z0-9_-]{16,200}$/;

/** A live ingest key's project and browser origins, found by the key itself (only its SHA-256 is stored); null for an unknown or revoked key. */
export async function findWidgetKey(db: Db, key: string | null | undefined): Promise<{ id: string; projectId: string; allowedOrigins: string[] } | null> {
  if (!key || !KEY_SHAPE.test(key)) return null;
  const [row] = await db
    .select({ id: ingestKeys.id, projectId: ingestKeys.projectId, allowedOrigins: ingestKeys.allowedOrigins })
    .from(ingestKeys)
    .where(and(eq(ingestKeys.keyHash, sha256(key)), isNull(ingestKeys.revokedAt)));
  return row ?? null;
}

/** The origins of a key that may go into a CSP `frame-ancestors` source list: exact http(s) origins, nothing a header could be bent with. */
export function frameAncestorsOf(origins: readonly string[]): string[] {
  return origins.filter((origin) => {
    if (!/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(origin)) return false;
    try {
      return new URL(origin).origin === origin;
    } catch {
      return false;
    }
  });
}
