/**
 * What governance needs from the identity core, in one place: email canonicalisation, the
 * role-address screen, the invitation, the MFA rollout grace, and ending or restoring a person's access. Governance calls
 * only these, so the identity module stays the one owner of accounts, tokens and sessions.
 */
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import { HOUR } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import type { Role, UserStatus } from "../directory/schema.ts";
import {
  deactivateUser,
  reactivateUser,
  restoreInvitation,
  suspendUser,
} from "../identity/account-status.ts";
import { createAccount } from "../identity/accounts.ts";
import { canonicalEmail, emailDomain, screenRoleAddress } from "../identity/email-address.ts";
import { issueEmailToken } from "../identity/email-tokens.ts";
import { INVITATION_TTL_HOURS } from "../identity/invitations.ts";
import { invitationMail } from "../identity/mails.ts";
import { grantMfaGrace } from "../identity/mfa-status.ts";

export { canonicalEmail, emailDomain, grantMfaGrace };

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
  if (status === "invited") await restoreInvitation(q, ctx, userId, actor, reason);
  else await reactivateUser(q, ctx, userId, actor, reason);
}
