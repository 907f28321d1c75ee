import { auditLog } from "~db/schema";
import type { Db } from "~/db.server";

export type AuditEntry = {
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  data?: Record<string, unknown>;
};

/** Appends to the audit log; call it inside the same transaction as the change it records. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ ...entry, data: entry.data ?? {} });
}
