import { bigserial, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at } from "../db/columns.ts";

/**
 * Append-only audit log (a trigger in the migrations refuses UPDATE and DELETE). Rows are written
 * in the same transaction as the action they describe, so an action and its record stand or fall
 * together.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    at: at("at").notNull(),
    action: text("action").notNull(),
    outcome: text("outcome", { enum: ["success", "failure"] }).notNull(),
    reason: text("reason"),
    actorUserId: uuid("actor_user_id"),
    actorEmail: text("actor_email"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetLabel: text("target_label"),
    partnerId: uuid("partner_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at),
    index("audit_events_action_idx").on(t.action),
    index("audit_events_actor_idx").on(t.actorUserId),
    index("audit_events_target_idx").on(t.targetType, t.targetId),
  ],
);
