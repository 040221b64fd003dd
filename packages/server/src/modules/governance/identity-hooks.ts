/**
 * What governance needs from the identity core, in one place: email canonicalisation, the
 * role-address screen, the invitation, and ending or restoring a person's access. Governance calls
 * only these, so the identity module stays the one owner of accounts and sessions.
 */
import { eq } from "drizzle-orm";
import type { Actor } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { type Role, type UserStatus, userRoles, users } from "../directory/schema.ts";
import { revokeSessions } from "../identity/session-service.ts";

/** lower-cased, "+tag" sub-address removed: the form the users table keeps unique */
export function canonicalEmail(email: string): string {
  const [local, domain] = email.trim().toLowerCase().split("@");
  return `${local.split("+")[0]}@${domain}`;
}

export function emailDomain(email: string): string {
  return email.trim().toLowerCase().split("@")[1] ?? "";
}

/** a role or group address (ops@, qc-team@, dl-...)? null when it is a person's, else why not */
export async function roleAddressReason(_q: Queryable, email: string): Promise<string | null> {
  const local = email.trim().toLowerCase().split("@")[0].split("+")[0];
  const studio =
    /^(qc|qc-team|operators|verifiers|ops|info|team|all|staff|admin|dataio|dl-.*|grp-.*|.*-team|.*-all|.*-shift)$/;
  return studio.test(local) ? `"${local}@" looks like a shared or group address` : null;
}

/**
 * End a person's access now: status changes and every session ends in the caller's transaction,
 * so the person's next request is refused (downloads check the same status).
 */
export async function endAccess(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  status: "suspended" | "deactivated",
  reason: string,
): Promise<void> {
  await q
    .update(users)
    .set({ status, statusReason: reason, updatedAt: ctx.clock.now() })
    .where(eq(users.id, userId));
  await revokeSessions(q, ctx, userId, undefined, `account_${status}`);
}

/** Give a suspended or deactivated person back the status they had (the studio's decision). */
export async function restoreAccess(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  status: UserStatus,
): Promise<void> {
  await q
    .update(users)
    .set({ status, statusReason: null, updatedAt: ctx.clock.now() })
    .where(eq(users.id, userId));
}

/**
 * Create an invited account and mail the person their individual invitation (set a password,
 * verify the email, enrol MFA). TODO(identity core): replace the body by the identity core's
 * invitation function once it exists; until then this creates the account row and its roles.
 */
export async function inviteAccount(
  q: Queryable,
  ctx: AppContext,
  _actor: Actor,
  input: { email: string; name: string; partnerId: string; roles: Role[] },
): Promise<{ userId: string }> {
  const now = ctx.clock.now();
  const userId = crypto.randomUUID();
  await q.insert(users).values({
    id: userId,
    email: input.email.trim(),
    emailCanonical: canonicalEmail(input.email),
    name: input.name.trim(),
    status: "invited",
    partnerId: input.partnerId,
    createdAt: now,
    updatedAt: now,
  });
  if (input.roles.length) {
    await q
      .insert(userRoles)
      .values(
        input.roles.map((role) => ({ userId, role, grantedAt: now, grantedBy: _actor.userId ?? null })),
      );
  }
  await ctx.mailer.send({
    to: input.email.trim(),
    subject: "You are invited to Loupe",
    text: `Hello ${input.name},\n\nYou have been invited to Loupe. Open ${new URL("/", ctx.config.publicUrl)} to set your password, verify your email and set up two-step verification.\n`,
  });
  return { userId };
}
