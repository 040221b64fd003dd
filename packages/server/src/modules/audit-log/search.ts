import { and, desc, eq, gte, ilike, lt, or, type SQL } from "drizzle-orm";
import { auditEvents } from "../../platform/audit/schema.ts";
import type { Queryable } from "../../platform/db/client.ts";

/** Filters of the audit log search (all optional, combined with AND). */
export interface AuditFilter {
  /** an exact action ("identity.sign_in") or a prefix ending in "." ("identity.") */
  action?: string;
  /** actor user id, or a fragment of the actor's email */
  actor?: string;
  /** target id, or a fragment of the target's label */
  target?: string;
  outcome?: "success" | "failure";
  from?: Date;
  /** exclusive */
  to?: Date;
  partnerId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function likeFragment(s: string): string {
  return `%${s.replace(/[%_\\]/g, "\\$&")}%`;
}

function whereOf(f: AuditFilter): SQL | undefined {
  const w: SQL[] = [];
  if (f.action) {
    w.push(
      f.action.endsWith(".")
        ? ilike(auditEvents.action, `${f.action.replace(/[%_\\]/g, "\\$&")}%`)
        : eq(auditEvents.action, f.action),
    );
  }
  if (f.actor) {
    w.push(
      UUID.test(f.actor)
        ? eq(auditEvents.actorUserId, f.actor)
        : ilike(auditEvents.actorEmail, likeFragment(f.actor)),
    );
  }
  if (f.target) {
    w.push(or(eq(auditEvents.targetId, f.target), ilike(auditEvents.targetLabel, likeFragment(f.target)))!);
  }
  if (f.outcome) w.push(eq(auditEvents.outcome, f.outcome));
  if (f.from) w.push(gte(auditEvents.at, f.from));
  if (f.to) w.push(lt(auditEvents.at, f.to));
  if (f.partnerId) w.push(eq(auditEvents.partnerId, f.partnerId));
  return w.length ? and(...w) : undefined;
}

export type AuditRow = typeof auditEvents.$inferSelect;

/** Newest first; `before` is the seq of the last row of the previous page (keyset pagination). */
export async function searchAudit(
  q: Queryable,
  filter: AuditFilter,
  page: { limit: number; before?: number },
): Promise<{ events: AuditRow[]; nextBefore: number | null }> {
  const where = whereOf(filter);
  const rows = await q
    .select()
    .from(auditEvents)
    .where(page.before ? and(where, lt(auditEvents.seq, page.before)) : where)
    .orderBy(desc(auditEvents.seq))
    .limit(page.limit + 1);
  const events = rows.slice(0, page.limit);
  return { events, nextBefore: rows.length > page.limit ? events[events.length - 1].seq : null };
}

export const CSV_COLUMNS = [
  "seq",
  "at",
  "action",
  "outcome",
  "reason",
  "actorUserId",
  "actorEmail",
  "targetType",
  "targetId",
  "targetLabel",
  "partnerId",
  "ip",
  "userAgent",
  "details",
] as const satisfies readonly (keyof AuditRow)[];

/** Every matching row, newest first, in pages (for the CSV export). */
export async function* allAudit(q: Queryable, filter: AuditFilter, max: number): AsyncGenerator<AuditRow> {
  let before: number | undefined;
  let sent = 0;
  for (;;) {
    const { events, nextBefore } = await searchAudit(q, filter, { limit: 1000, before });
    for (const e of events) {
      if (sent++ >= max) return;
      yield e;
    }
    if (nextBefore === null) return;
    before = nextBefore;
  }
}
