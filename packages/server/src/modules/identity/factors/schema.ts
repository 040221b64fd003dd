import { bigint, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, id } from "../../../platform/db/columns.ts";
import { users } from "../../directory/schema.ts";

/**
 * Second factors. Rows are never deleted once an authenticator is bound: removing a factor sets
 * revoked_at, so the tables are also the dated record of every authenticator a person ever held
 * (NIST SP 800-63B §6.1). Only unconfirmed TOTP enrolments (never bound) are deleted.
 *
 * OTP seeds are sealed with AES-256-GCM (secret-box.ts) under a key kept in the data directory,
 * so a copy of the database alone does not yield them.
 */

export const OTP_ALGORITHMS = ["SHA1", "SHA256", "SHA512"] as const;
export type OtpAlgorithm = (typeof OTP_ALGORITHMS)[number];

/** TOTP apps (desktop authenticators, password managers) enrolled by the user. */
export const totpAuthenticators = pgTable(
  "totp_authenticators",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    label: text("label").notNull(),
    /** sealed seed (secret-box.ts); never sent to a client after enrolment */
    secretSealed: text("secret_sealed").notNull(),
    digits: integer("digits").notNull(),
    period: integer("period").notNull(),
    algorithm: text("algorithm", { enum: OTP_ALGORITHMS }).notNull(),
    /** the last accepted time step: a code for this step or an earlier one is a replay */
    lastUsedStep: bigint("last_used_step", { mode: "number" }),
    lastUsedAt: at("last_used_at"),
    createdAt: at("created_at").notNull(),
    /** null until the user proved the app works by entering a code: only then it counts */
    confirmedAt: at("confirmed_at"),
    revokedAt: at("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("totp_authenticators_user_idx").on(t.userId)],
);

/**
 * Hardware OATH TOTP tokens: imported by a Studio Admin (seed files), assigned to one person by
 * serial, counted only after that person entered a code from it. A revoked token stays retired.
 */
export const oathTokens = pgTable(
  "oath_tokens",
  {
    id: id(),
    serial: text("serial").notNull(),
    secretSealed: text("secret_sealed").notNull(),
    digits: integer("digits").notNull(),
    period: integer("period").notNull(),
    algorithm: text("algorithm", { enum: OTP_ALGORITHMS }).notNull(),
    importBatchId: uuid("import_batch_id").notNull(),
    importedAt: at("imported_at").notNull(),
    importedBy: uuid("imported_by"),
    assignedUserId: uuid("assigned_user_id").references(() => users.id),
    assignedAt: at("assigned_at"),
    assignedBy: uuid("assigned_by"),
    confirmedAt: at("confirmed_at"),
    lastUsedStep: bigint("last_used_step", { mode: "number" }),
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [
    uniqueIndex("oath_tokens_serial_key").on(t.serial),
    index("oath_tokens_assigned_user_idx").on(t.assignedUserId),
  ],
);

/** WebAuthn security keys and passkeys. */
export const webauthnCredentials = pgTable(
  "webauthn_credentials",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    /** base64url credential id: unique across all accounts, so one key cannot serve two people */
    credentialId: text("credential_id").notNull(),
    /** base64url COSE public key */
    publicKey: text("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull(),
    transports: text("transports").array().notNull(),
    aaguid: text("aaguid").notNull(),
    name: text("name").notNull(),
    userVerified: boolean("user_verified").notNull(),
    /** "singleDevice" (bound to one authenticator) or "multiDevice" (a synced passkey) */
    deviceType: text("device_type", { enum: ["singleDevice", "multiDevice"] }).notNull(),
    backedUp: boolean("backed_up").notNull(),
    /** what signing in with it adds to the session's amr: hardware key or software/platform key */
    amr: text("amr", { enum: ["hwk", "swk"] }).notNull(),
    createdAt: at("created_at").notNull(),
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [
    uniqueIndex("webauthn_credentials_credential_id_key").on(t.credentialId),
    index("webauthn_credentials_user_idx").on(t.userId),
  ],
);

/** Server-side WebAuthn challenges: bound to one session, single use, short-lived. */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    id: id(),
    sessionId: text("session_id").notNull(),
    userId: uuid("user_id").notNull(),
    purpose: text("purpose", { enum: ["register", "authenticate"] }).notNull(),
    challenge: text("challenge").notNull(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
  },
  (t) => [index("webauthn_challenges_session_idx").on(t.sessionId)],
);

/** Single-use recovery codes, stored as argon2id hashes; a new batch revokes the previous one. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    batchId: uuid("batch_id").notNull(),
    codeHash: text("code_hash").notNull(),
    createdAt: at("created_at").notNull(),
    usedAt: at("used_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);
