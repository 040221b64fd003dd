import crypto from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "../../platform/audit/record.ts";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import {
  PARTNER_ROLES,
  partners,
  type Role,
  STUDIO_ROLES,
  type UserStatus,
  userRoles,
  users,
} from "../directory/schema.ts";
import { canonicalEmail, emailDomain, screenRoleAddress } from "./email-address.ts";
import { hashPassword, type PasswordContext } from "./passwords.ts";
import { passwordCredentials } from "./schema.ts";

/**
 * Creating accounts and setting passwords: the parts invitation, bootstrap and the demo loader
 * share. Every rule of DOMAIN.md "Identity rules" that applies when an account is born is here:
 * canonical unique email, no role/group address without an audited justification, the partner's
 * email domains, studio roles only for studio staff and partner roles only for partner people.
 */
export interface NewAccount {
  name: string;
  email: string;
  partnerId: string | null;
  roles: Role[];
  status: UserStatus;
  /** a Studio Admin's written reason for accepting an address that looks like a role address */
  roleAddressJustification?: string | null;
}

export const MIN_JUSTIFICATION = 20;

export async function createAccount(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  actor: Actor,
  input: NewAccount,
): Promise<typeof users.$inferSelect> {
  const email = input.email.trim();
  const canonical = canonicalEmail(email);
  const name = input.name.trim();
  if (!name) throw new AppError("VALIDATION", "Give the person's full name.");
  if (input.roles.length === 0) throw new AppError("VALIDATION", "Give the person at least one role.");
  if (input.partnerId === null && input.roles.some((r) => !STUDIO_ROLES.includes(r))) {
    throw new AppError(
      "VALIDATION",
      "Studio staff can hold only the Studio Admin and Security Auditor roles.",
    );
  }
  if (input.partnerId !== null && input.roles.some((r) => !PARTNER_ROLES.includes(r))) {
    throw new AppError("VALIDATION", "A partner's people can hold only partner roles.");
  }
  if (input.partnerId !== null) {
    const [partner] = await q.select().from(partners).where(eq(partners.id, input.partnerId));
    if (!partner) throw new AppError("VALIDATION", "That partner does not exist.");
    if (partner.allowedDomains.length > 0 && !partner.allowedDomains.includes(emailDomain(email))) {
      throw new AppError(
        "DOMAIN_NOT_ALLOWED",
        `${partner.name} accounts must use one of its email domains: ${partner.allowedDomains.join(", ")}.`,
      );
    }
  }

  const hit = await screenRoleAddress(q, email);
  const justification = input.roleAddressJustification?.trim() || null;
  if (hit && (!justification || justification.length < MIN_JUSTIFICATION)) {
    throw new AppError("ROLE_ADDRESS", hit.message, {
      details: { pattern: hit.pattern, overridable: true, minJustificationLength: MIN_JUSTIFICATION },
    });
  }

  const [existing] = await q.select({ id: users.id }).from(users).where(eq(users.emailCanonical, canonical));
  if (existing) throw new AppError("CONFLICT", "An account with this email address already exists.");

  const now = ctx.clock.now();
  const id = crypto.randomUUID();
  const [user] = await q
    .insert(users)
    .values({
      id,
      email,
      emailCanonical: canonical,
      name,
      status: input.status,
      partnerId: input.partnerId,
      roleAddressJustification: hit ? justification : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await q
    .insert(userRoles)
    .values(
      input.roles.map((role) => ({ userId: id, role, grantedAt: now, grantedBy: actor.userId ?? null })),
    );
  if (hit) {
    await recordAudit(q, ctx.clock, actor, {
      action: "identity.role_address_override",
      target: { type: "user", id, label: email },
      partnerId: input.partnerId,
      reason: justification ?? undefined,
      details: { pattern: hit.pattern },
    });
  }
  return user;
}

/** What a person's password must not be built from: their address, their name, their partner's name. */
export async function passwordContextOf(
  q: Queryable,
  user: { email: string; name: string; partnerId: string | null },
): Promise<PasswordContext> {
  const [partner] = user.partnerId
    ? await q.select({ name: partners.name }).from(partners).where(eq(partners.id, user.partnerId))
    : [];
  return { email: user.email, name: user.name, words: partner ? [partner.name] : [] };
}

/** Set (or replace) a user's password; the caller has checked it against the rules. */
export async function storePassword(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  password: string,
): Promise<void> {
  const hash = await hashPassword(password);
  const now = ctx.clock.now();
  await q
    .insert(passwordCredentials)
    .values({ userId, hash, changedAt: now })
    .onConflictDoUpdate({ target: passwordCredentials.userId, set: { hash, changedAt: now } });
}

export async function rolesOf(q: Queryable, userId: string): Promise<Role[]> {
  const rows = await q.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return rows.map((r) => r.role);
}

/** Whether any active Studio Admin exists (the bootstrap link is offered until one does). */
export async function hasStudioAdmin(q: Queryable): Promise<boolean> {
  const [row] = await q
    .select({ id: users.id })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(userRoles.role, "studio_admin"), inArray(users.status, ["active", "invited", "suspended"])))
    .limit(1);
  return !!row;
}
