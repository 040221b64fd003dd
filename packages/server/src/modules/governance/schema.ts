import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, id } from "../../platform/db/columns.ts";
import { partners, type UserStatus, users } from "../directory/schema.ts";

/**
 * Access governance: the one request form (onboard, change roles, change task types, deactivate)
 * and account audit campaigns. A request's history is its audit-log events (target
 * "access_request"), so there is one record of what happened, not two that can disagree.
 */
export const REQUEST_KINDS = ["onboard", "change_roles", "change_task_types", "deactivate"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/** superseded: closed because a deactivation of the same person was submitted after it */
export const REQUEST_STATUSES = ["pending", "approved", "rejected", "superseded"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** What the submitter asked for; which fields are set depends on the kind. */
export interface RequestPayload {
  name?: string;
  email?: string;
  roles?: string[];
  taskTypes?: string[];
  /** deactivation: why (staff exit, department move, audit removal) */
  deactivationReason?: "staff_exit" | "department_move" | "audit_removal" | "other";
  note?: string;
  /** deactivation: the status the person had, restored if a Studio Admin rejects it */
  previousStatus?: UserStatus;
}

export const accessRequests = pgTable(
  "access_requests",
  {
    id: id(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    kind: text("kind", { enum: REQUEST_KINDS }).notNull(),
    status: text("status", { enum: REQUEST_STATUSES }).notNull(),
    /** the person the request is about; for onboarding, set when approval creates the account */
    subjectUserId: uuid("subject_user_id").references(() => users.id),
    /** onboarding: the canonical email asked for, so two open requests cannot onboard one person */
    subjectEmailCanonical: text("subject_email_canonical"),
    payload: jsonb("payload").$type<RequestPayload>().notNull(),
    submittedBy: uuid("submitted_by")
      .notNull()
      .references(() => users.id),
    submittedAt: at("submitted_at").notNull(),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: at("decided_at"),
    decisionReason: text("decision_reason"),
    /** set when the request was filed from an audit campaign line */
    campaignLineId: uuid("campaign_line_id"),
  },
  (t) => [
    index("access_requests_partner_idx").on(t.partnerId, t.submittedAt),
    index("access_requests_status_idx").on(t.status),
    // one open onboarding per person (the users table holds the unique index for accounts)
    uniqueIndex("access_requests_open_onboard_key")
      .on(t.subjectEmailCanonical)
      .where(sql`${t.status} = 'pending' and ${t.kind} = 'onboard'`),
  ],
);

/** what happens at the deadline to a line nobody reviewed */
export const NO_RESPONSE_OUTCOMES = ["suspend", "deactivate", "none"] as const;
export type NoResponseOutcome = (typeof NO_RESPONSE_OUTCOMES)[number];
export const CAMPAIGN_STATUSES = ["open", "closed"] as const;

export const auditCampaigns = pgTable("audit_campaigns", {
  id: id(),
  name: text("name").notNull(),
  /** the partners under review */
  partnerIds: uuid("partner_ids").array().notNull(),
  deadline: at("deadline").notNull(),
  /** a reminder every N days after launch (0: none) */
  reminderEveryDays: integer("reminder_every_days").notNull(),
  /** and one N days before the deadline (0: none) */
  reminderDaysBefore: integer("reminder_days_before").notNull(),
  noResponseOutcome: text("no_response_outcome", { enum: NO_RESPONSE_OUTCOMES }).notNull(),
  status: text("status", { enum: CAMPAIGN_STATUSES }).notNull(),
  launchedBy: uuid("launched_by")
    .notNull()
    .references(() => users.id),
  launchedAt: at("launched_at").notNull(),
  /** when the deadline outcome was applied */
  closedAt: at("closed_at"),
});

export const LINE_DECISIONS = ["keep", "change", "remove"] as const;
export type LineDecision = (typeof LINE_DECISIONS)[number];

/** One person of one partner in a campaign: what they held at launch and what the reviewer said. */
export const campaignLines = pgTable(
  "campaign_lines",
  {
    id: id(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => auditCampaigns.id),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => partners.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    email: text("email").notNull(),
    roles: text("roles").array().notNull(),
    taskTypes: text("task_types").array().notNull(),
    /** a Vendor Manager's own line (and every line of a partner without one) is the studio's */
    reviewer: text("reviewer", { enum: ["vendor_manager", "studio_admin"] }).notNull(),
    decision: text("decision", { enum: LINE_DECISIONS }),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: at("decided_at"),
    requestId: uuid("request_id").references(() => accessRequests.id),
    /** the no-response outcome applied at the deadline, and the status it replaced */
    outcome: text("outcome", { enum: NO_RESPONSE_OUTCOMES }),
    outcomeAt: at("outcome_at"),
    statusBeforeOutcome: text("status_before_outcome"),
  },
  (t) => [
    uniqueIndex("campaign_lines_user_key").on(t.campaignId, t.userId),
    index("campaign_lines_partner_idx").on(t.campaignId, t.partnerId),
  ],
);

/** Each reminder sent, once: the unique key makes the periodic task safe to run again. */
export const campaignReminders = pgTable(
  "campaign_reminders",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => auditCampaigns.id),
    recipientUserId: uuid("recipient_user_id")
      .notNull()
      .references(() => users.id),
    /** "every-N" (the N-th periodic reminder) or "before-deadline" */
    slot: text("slot").notNull(),
    sentAt: at("sent_at").notNull(),
  },
  (t) => [uniqueIndex("campaign_reminders_key").on(t.campaignId, t.recipientUserId, t.slot)],
);
