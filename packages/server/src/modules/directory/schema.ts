import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, id } from "../../platform/db/columns.ts";

/**
 * The directory: partner facilities and the people in them. One row in `users` per person (rule 1
 * of DOMAIN.md "Identity rules"): email_canonical is unique, and there is no group principal
 * anywhere in the model, so a role can only ever be granted to an individual user.
 */
export const partners = pgTable("partners", {
  id: id(),
  name: text("name").notNull().unique(),
  /** lower-case email domains whose addresses may hold accounts of this partner */
  allowedDomains: text("allowed_domains").array().notNull().default(sql`'{}'::text[]`),
  /** from this date (studio time zone) users must enrol MFA before anything else (rule 2) */
  mfaEnforcementDate: date("mfa_enforcement_date", { mode: "string" }),
  verifierSeats: integer("verifier_seats").notNull().default(2),
  contactName: text("contact_name"),
  contactEmail: text("contact_email"),
  createdAt: at("created_at").notNull(),
});

export const USER_STATUSES = ["invited", "active", "suspended", "deactivated"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const users = pgTable(
  "users",
  {
    id: id(),
    /** as the person typed it, for display and for sending mail */
    email: text("email").notNull(),
    /** lower-cased, sub-address tag removed: the identity (unique) */
    emailCanonical: text("email_canonical").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: USER_STATUSES }).notNull(),
    /** null for studio staff */
    partnerId: uuid("partner_id").references(() => partners.id),
    emailVerifiedAt: at("email_verified_at"),
    /** set when a Studio Admin overrode the role-address screen, with their written justification */
    roleAddressJustification: text("role_address_justification"),
    statusReason: text("status_reason"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_canonical_key").on(t.emailCanonical),
    index("users_partner_idx").on(t.partnerId),
  ],
);

export const ROLES = [
  "studio_admin",
  "security_auditor",
  "vendor_manager",
  "download_manager",
  "operator",
  "verifier",
] as const;
export type Role = (typeof ROLES)[number];
export const STUDIO_ROLES: readonly Role[] = ["studio_admin", "security_auditor"];
export const PARTNER_ROLES: readonly Role[] = ["vendor_manager", "download_manager", "operator", "verifier"];

/** Roles are held by individual users; a partner role applies to the user's own facility. */
export const userRoles = pgTable(
  "user_roles",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ROLES }).notNull(),
    grantedAt: at("granted_at").notNull(),
    grantedBy: uuid("granted_by"),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.role] }),
    check(
      "user_roles_role_check",
      sql`${t.role} in ('studio_admin','security_auditor','vendor_manager','download_manager','operator','verifier')`,
    ),
  ],
);

/**
 * The catalogue of QC task types (DOMAIN.md "QC work"). Data, not code: a Studio Admin can add
 * one. `requiresRole` names the role a person must hold to be approved for it (Verification is
 * for verifiers only); otherwise operator or verifier will do.
 */
export const taskTypes = pgTable("task_types", {
  key: text("key").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull(),
  requiresRole: text("requires_role", { enum: ["verifier"] }),
  sortOrder: integer("sort_order").notNull().default(100),
  active: boolean("active").notNull().default(true),
});

/** The task types an operator or verifier is approved for; held by one user each, like roles. */
export const userTaskTypes = pgTable(
  "user_task_types",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    taskType: text("task_type")
      .notNull()
      .references(() => taskTypes.key),
    grantedAt: at("granted_at").notNull(),
    grantedBy: uuid("granted_by"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.taskType] })],
);
