import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, id } from "../../platform/db/columns.ts";
import { users } from "../directory/schema.ts";

/**
 * Server-side sessions. The browser holds an opaque 256-bit token in the __Host-loupe_session
 * cookie; the table holds only its SHA-256 (hex), so a leaked table or backup cannot be replayed.
 * A session is live while revoked_at is null, last_seen_at is within the idle timeout and
 * absolute_expires_at is in the future; every request re-checks all three (and the account status).
 */
export const SESSION_STAGES = ["password", "enrol", "complete"] as const;

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 hex of the cookie token: never the token itself */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    stage: text("stage", { enum: SESSION_STAGES }).notNull(),
    /** authentication methods used, in order (pwd, otp, hwk, swk, rec): the OIDC amr later */
    amr: text("amr").array().notNull(),
    /** when the user last fully authenticated (OIDC auth_time); null until stage complete */
    authTime: at("auth_time"),
    /** when the user last re-proved a second factor */
    stepUpAt: at("step_up_at"),
    /** anti-CSRF token the UI echoes in x-csrf-token on every state-changing request */
    csrfToken: text("csrf_token").notNull(),
    createdAt: at("created_at").notNull(),
    lastSeenAt: at("last_seen_at").notNull(),
    absoluteExpiresAt: at("absolute_expires_at").notNull(),
    revokedAt: at("revoked_at"),
    /** why it ended: logout, rotated, revoked, idle, absolute, account_suspended, ... */
    revokedReason: text("revoked_reason"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    check("sessions_stage_check", sql`${t.stage} in ('password','enrol','complete')`),
  ],
);

/** One password per user: argon2id (PHC string, salt and parameters inside). */
export const passwordCredentials = pgTable("password_credentials", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id),
  hash: text("hash").notNull(),
  changedAt: at("changed_at").notNull(),
});

export const EMAIL_TOKEN_PURPOSES = ["verify_email", "invite", "password_reset", "bootstrap"] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/**
 * Single-use links sent by mail (and the bootstrap link printed at first start). Only the SHA-256
 * of the token is stored. user_id is null for the bootstrap token (the admin does not exist yet).
 */
export const emailTokens = pgTable(
  "email_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull(),
    purpose: text("purpose", { enum: EMAIL_TOKEN_PURPOSES }).notNull(),
    userId: uuid("user_id").references(() => users.id),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
    /** set when a newer token of the same purpose replaced this one */
    invalidatedAt: at("invalidated_at"),
  },
  (t) => [
    uniqueIndex("email_tokens_hash_key").on(t.tokenHash),
    index("email_tokens_user_idx").on(t.userId, t.purpose),
    check(
      "email_tokens_purpose_check",
      sql`${t.purpose} in ('verify_email','invite','password_reset','bootstrap')`,
    ),
  ],
);

/**
 * Failed-attempt counters for throttling, shared by every process through the database. Keys name
 * what is counted: "pwd:acct:<canonical email>", "pwd:ip:<address>", "mfa:acct:<user id>", ...
 */
export const authThrottles = pgTable("auth_throttles", {
  key: text("key").primaryKey(),
  /** consecutive failures since the last success (or since the counter decayed) */
  failures: integer("failures").notNull(),
  lastFailureAt: at("last_failure_at").notNull(),
  /** no attempt is examined before this instant */
  blockedUntil: at("blocked_until"),
});

/**
 * The studio-maintained list of role/group address local parts, on top of the bundled list in
 * data/role-addresses.txt. A pattern is a lower-case local part; "*" matches any run of characters
 * (e.g. "dl-*", "*-shift").
 */
export const roleAddressPatterns = pgTable("role_address_patterns", {
  pattern: text("pattern").primaryKey(),
  note: text("note"),
  addedBy: uuid("added_by"),
  createdAt: at("created_at").notNull(),
});

/**
 * Accounts that existed before the MFA rollout (imported from the old partner lists). Only these
 * may be merely urged to enrol until their partner's enforcement date; every other account is new
 * and must enrol at first sign-in (DOMAIN.md identity rule 2).
 */
export const mfaGraceAccounts = pgTable("mfa_grace_accounts", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id),
  grantedAt: at("granted_at").notNull(),
  reason: text("reason").notNull(),
});
