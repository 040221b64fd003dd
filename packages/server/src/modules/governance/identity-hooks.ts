/**
 * What governance needs from the identity core, in one place: email canonicalisation, the
 * role-address screen, the invitation, and ending or restoring a person's access. Governance calls
 * only these, so the identity module stays the one owner of accounts, tokens and sessions.
 */
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import { HOUR } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { type Role, type UserStatus, users } from "../directory/schema.ts";
import { deactivateUser, reactivateUser, suspendUser } from "../identity/account-status.ts";
import { createAccount } from "../identity/accounts.ts";
import { canonicalEmail, emailDomain, screenRoleAddress } from "../identity/email-address.ts";
import { issueEmailToken } from "../identity/email-tokens.ts";
import { INVITATION_TTL_HOURS } from "../identity/invitations.ts";
import { invitationMail } from "../identity/mails.ts";
import { mfaGraceAccounts } from "../identity/schema.ts";

export { canonicalEmail, emailDomain };

/** null for a person's address; otherwise why it looks like a role or group address */
export async function roleAddressReason(q: Queryable, email: string): Promise<string | null> {
  return (await screenRoleAddress(q, email))?.message ?? null;
}

/**
 * An invited account with its individual invitation (confirm the email, choose a password, then
 * enrol MFA at first sign-in): identity's own account creation, token and mail, inside the caller's
 * transaction (identity's inviteUser opens a transaction of its own, which an approval cannot nest).
 * The mail is sent before the transaction commits: if it cannot be sent, nothing is created.
 */
export async function inviteAccount(
  q: Queryable,
  ctx: AppContext,
  actor: Actor,
  input: { email: string; name: string; partnerId: string; roles: Role[] },
): Promise<{ userId: string }> {
  const user = await createAccount(q, ctx, actor, { ...input, status: "invited" });
  const token = await issueEmailToken(q, ctx.clock, "invite", user.id, INVITATION_TTL_HOURS * HOUR);
  await recordAudit(q, ctx.clock, actor, {
    action: "identity.user_invited",
    target: { type: "user", id: user.id, label: user.email },
    partnerId: user.partnerId,
    details: { roles: input.roles, via: "governance" },
  });
  await ctx.mailer.send(invitationMail(ctx.config, user, token, INVITATION_TTL_HOURS));
  return { userId: user.id };
}

/**
 * Imported people existed before the MFA rollout: the enrolment policy lets them be urged (not
 * forced) until their partner's enforcement date. (Identity exports no function for this table.)
 */
export async function grantMfaGrace(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  reason: string,
): Promise<void> {
  await q
    .insert(mfaGraceAccounts)
    .values({ userId, grantedAt: ctx.clock.now(), reason })
    .onConflictDoNothing();
}

/**
 * End a person's access now, through identity's account states: the status changes and every
 * session ends in the caller's transaction, so the person's next request is refused.
 */
export async function endAccess(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  actor: Actor,
  userId: string,
  status: "suspended" | "deactivated",
  reason: string,
): Promise<void> {
  if (status === "suspended") await suspendUser(q, ctx, userId, actor, reason);
  else await deactivateUser(q, ctx, userId, actor, reason);
}

/**
 * Give a suspended or deactivated person back the status they had. Identity's reactivation leads
 * to "active"; a person who had not accepted their invitation yet goes back to "invited".
 */
export async function restoreAccess(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  actor: Actor,
  userId: string,
  status: UserStatus,
  reason: string,
): Promise<void> {
  if (status !== "invited") {
    await reactivateUser(q, ctx, userId, actor, reason);
    return;
  }
  const [user] = await q
    .update(users)
    .set({ status: "invited", statusReason: reason, updatedAt: ctx.clock.now() })
    .where(eq(users.id, userId))
    .returning();
  await recordAudit(q, ctx.clock, actor, {
    action: "identity.user_reactivated",
    target: { type: "user", id: userId, label: user.email },
    partnerId: user.partnerId,
    reason,
    details: { to: "invited" },
  });
}
