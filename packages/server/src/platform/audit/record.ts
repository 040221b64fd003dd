import type { Clock } from "../clock.ts";
import type { Queryable } from "../db/client.ts";
import { auditEvents } from "./schema.ts";

/** Who did something, from where: taken from the request by the HTTP layer (http/request-meta.ts). */
export interface Actor {
  userId?: string | null;
  email?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  action: string;
  outcome?: "success" | "failure";
  reason?: string;
  target?: { type: string; id: string; label?: string };
  partnerId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Append one event. Pass the transaction the action runs in: if the action rolls back, so does
 * its record, and a recorded action always happened.
 */
export async function recordAudit(
  q: Queryable,
  clock: Clock,
  actor: Actor,
  entry: AuditEntry,
): Promise<void> {
  await q.insert(auditEvents).values({
    at: clock.now(),
    action: entry.action,
    outcome: entry.outcome ?? "success",
    reason: entry.reason ?? null,
    actorUserId: actor.userId ?? null,
    actorEmail: actor.email ?? null,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    targetLabel: entry.target?.label ?? null,
    partnerId: entry.partnerId ?? null,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    details: entry.details ?? null,
  });
}
