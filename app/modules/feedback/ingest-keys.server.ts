import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { ingestKeys } from "~db/schema";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { randomToken, sha256 } from "~/modules/auth/crypto.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { NotFoundError, UnauthorizedError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { createIngestKeySchema, INGEST_KEY_PREFIX, updateIngestKeySchema, type CreateIngestKeyInput, type UpdateIngestKeyInput } from "./schemas";

const listed = {
  id: ingestKeys.id,
  name: ingestKeys.name,
  prefix: ingestKeys.prefix,
  allowedOrigins: ingestKeys.allowedOrigins,
  ratePerMinute: ingestKeys.ratePerMinute,
  createdAt: ingestKeys.createdAt,
  lastUsedAt: ingestKeys.lastUsedAt,
  revokedAt: ingestKeys.revokedAt,
};
export type IngestKeyRow = { id: string; name: string; prefix: string; allowedOrigins: string[]; ratePerMinute: number; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

/**
 * Creates a project's ingest key (`lfi_<8 hex>_<secret>`): write-only, for one project. The key
 * is returned once; only its SHA-256 and its prefix are kept. Managers only; audited.
 */
export async function createIngestKey(db: Db, actor: Actor, projectId: string, input: CreateIngestKeyInput): Promise<IngestKeyRow & { key: string }> {
  await authorizeProject(db, actor, projectId, "feedback.manage");
  const values = parseOrThrow(createIngestKeySchema, input);
  // why: hex, so the prefix never contains the "_" that separates it from the secret.
  const prefix = `${INGEST_KEY_PREFIX}${randomBytes(4).toString("hex")}`;
  const key = `${prefix}_${randomToken(32)}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(ingestKeys)
      .values({ projectId, ...values, prefix, keyHash: sha256(key), createdBy: actor.userId })
      .returning(listed);
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "ingest_key.create",
      targetType: "ingest_key",
      targetId: row!.id,
      data: { projectId, name: values.name, prefix, allowedOrigins: values.allowedOrigins, ratePerMinute: values.ratePerMinute },
    });
    return { ...row!, key };
  });
}

/** A project's ingest keys, newest first, revoked ones included (never their secrets). */
export async function listIngestKeys(db: Db, actor: Actor, projectId: string): Promise<IngestKeyRow[]> {
  await authorizeProject(db, actor, projectId, "feedback.manage");
  return db.select(listed).from(ingestKeys).where(eq(ingestKeys.projectId, projectId)).orderBy(desc(ingestKeys.createdAt)).limit(200);
}

async function projectOfKey(db: Db, keyId: string): Promise<string> {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const [row] = UUID.test(keyId) ? await db.select({ projectId: ingestKeys.projectId }).from(ingestKeys).where(eq(ingestKeys.id, keyId)) : [];
  if (!row) throw new NotFoundError("No such ingest key.");
  return row.projectId;
}

/** Renames a key, or changes its origins or rate; takes effect from the next request. Audited. */
export async function updateIngestKey(db: Db, actor: Actor, keyId: string, input: UpdateIngestKeyInput): Promise<IngestKeyRow> {
  await authorizeProject(db, actor, await projectOfKey(db, keyId), "feedback.manage");
  const changes = parseOrThrow(updateIngestKeySchema, input);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(ingestKeys).set(changes).where(eq(ingestKeys.id, keyId)).returning(listed);
    await recordAudit(tx, { actorUserId: actor.userId, action: "ingest_key.update", targetType: "ingest_key", targetId: keyId, data: changes });
    return row!;
  });
}

/** Revokes a key: requests with it get 401 from the next one on. Audited; revoking twice is a 404. */
export async function revokeIngestKey(db: Db, actor: Actor, keyId: string): Promise<void> {
  await authorizeProject(db, actor, await projectOfKey(db, keyId), "feedback.manage");
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(ingestKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(ingestKeys.id, keyId), isNull(ingestKeys.revokedAt)))
      .returning({ id: ingestKeys.id, prefix: ingestKeys.prefix });
    if (!row) throw new NotFoundError("No such active ingest key.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "ingest_key.revoke", targetType: "ingest_key", targetId: keyId, data: { prefix: row.prefix } });
  });
}

/** What a request with a live ingest key may do, and the project's ingest settings. */
export type IngestGrant = {
  keyId: string;
  projectId: string;
  allowedOrigins: string[];
  ratePerMinute: number;
  redactPii: boolean;
  queueSampleRate: number;
};

const INVALID = "Missing, invalid or revoked ingest key: send `Authorization: Bearer lfi_…`.";

/** The live ingest key behind an `Authorization: Bearer` header, with its project's settings; 401 otherwise. */
export async function authenticateIngestKey(db: Db, authorization: string | null): Promise<IngestGrant> {
  const match = /^Bearer\s+(lfi_[0-9a-f]{8}_\S+)\s*$/i.exec(authorization ?? "");
  if (!match) throw new UnauthorizedError(INVALID);
  // why: a named prepared statement (postgres.js), planned once per connection: every request asks it.
  const [row] = await sqlOf(db)<{ keyId: string; projectId: string; allowedOrigins: string[]; ratePerMinute: number; stale: boolean; redactPii: boolean; queueSampleRate: number }[]>`
    select k.id as "keyId", k.project_id as "projectId", k.allowed_origins as "allowedOrigins", k.rate_per_minute as "ratePerMinute",
           (k.last_used_at is null or k.last_used_at < now() - interval '1 minute') as stale, coalesce(s.redact_pii, false) as "redactPii", coalesce(s.queue_sample_rate, 0)::float8 as "queueSampleRate"
    from ingest_keys k left join feedback_settings s on s.project_id = k.project_id
    where k.key_hash = ${sha256(match[1]!)} and k.revoked_at is null`;
  if (!row) throw new UnauthorizedError(INVALID);
  // why: a write per request would be wasteful; minute resolution is enough to spot unused keys.
  if (row.stale) {
    await db.update(ingestKeys).set({ lastUsedAt: sql`now()` }).where(eq(ingestKeys.id, row.keyId));
  }
  const { stale: _, ...grant } = row;
  return { ...grant, queueSampleRate: Number(grant.queueSampleRate) };
}

/** Whether some live ingest key lists this exact origin (the CORS preflight's question). */
export async function originAllowed(db: Db, origin: string): Promise<boolean> {
  const [row] = await db
    .select({ id: ingestKeys.id })
    .from(ingestKeys)
    .where(and(isNull(ingestKeys.revokedAt), sql`${origin} = any(${ingestKeys.allowedOrigins})`))
    .limit(1);
  return row !== undefined;
}
