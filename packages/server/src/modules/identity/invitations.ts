import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import { HOUR } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { partners, type Role, users } from "../directory/schema.ts";
import { createAccount, passwordContextOf, storePassword } from "./accounts.ts";
import { consumeEmailToken, issueEmailToken, peekEmailToken } from "./email-tokens.ts";
import { invitationMail } from "./mails.ts";
import { assertAcceptablePassword } from "./passwords.ts";

/**
 * Invitation: a Studio Admin creates an invited account and Loupe mails the person a single-use
 * link. Opening it proves the mailbox (email verification) and sets the password in one step; the
 * person then signs in and must enrol MFA. The link is not a sign-in (email is not an
 * authentication factor, ASVS 6.3.6).
 */
export const INVITATION_TTL_HOURS = 72;

export interface InviteInput {
  name: string;
  email: string;
  partnerId: string | null;
  roles: Role[];
  roleAddressJustification?: string | null;
}

export async function inviteUser(
  ctx: AppContext,
  actor: Actor,
  input: InviteInput,
): Promise<{ userId: string }> {
  const { user, token } = await ctx.database.db.transaction(async (tx) => {
    const user = await createAccount(tx, ctx, actor, { ...input, status: "invited" });
    const token = await issueEmailToken(tx, ctx.clock, "invite", user.id, INVITATION_TTL_HOURS * HOUR);
    await recordAudit(tx, ctx.clock, actor, {
      action: "identity.user_invited",
      target: { type: "user", id: user.id, label: user.email },
      partnerId: user.partnerId,
      details: { roles: input.roles },
    });
    return { user, token };
  });
  await ctx.mailer.send(invitationMail(ctx.config, user, token, INVITATION_TTL_HOURS));
  return { userId: user.id };
}

/** A new link for an invited person (the old one stops working). */
export async function resendInvitation(ctx: AppContext, actor: Actor, userId: string): Promise<void> {
  const { user, token } = await ctx.database.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user) throw notFound("The account");
    if (user.status !== "invited") {
      throw new AppError("CONFLICT", "This person has already accepted the invitation.");
    }
    const token = await issueEmailToken(tx, ctx.clock, "invite", user.id, INVITATION_TTL_HOURS * HOUR);
    await recordAudit(tx, ctx.clock, actor, {
      action: "identity.invitation_resent",
      target: { type: "user", id: user.id, label: user.email },
      partnerId: user.partnerId,
    });
    return { user, token };
  });
  await ctx.mailer.send(invitationMail(ctx.config, user, token, INVITATION_TTL_HOURS));
}

/** What the invitation page shows before the person chooses a password. */
export async function inspectInvitation(
  ctx: AppContext,
  token: string,
): Promise<{ name: string; email: string; partnerName: string | null }> {
  const row = await peekEmailToken(ctx.database.db, ctx.clock, token, ["invite"]);
  const [found] = await ctx.database.db
    .select({ name: users.name, email: users.email, partnerName: partners.name })
    .from(users)
    .leftJoin(partners, eq(partners.id, users.partnerId))
    .where(eq(users.id, row.userId!));
  if (!found) throw notFound("The invitation");
  return found;
}

/** Accept: verify the email, set the password, activate. The person signs in afterwards. */
export async function acceptInvitation(
  ctx: AppContext,
  actor: Actor,
  input: { token: string; password: string },
): Promise<{ email: string }> {
  return ctx.database.db.transaction(async (tx) => {
    const row = await consumeEmailToken(tx, ctx.clock, input.token, ["invite"]);
    const [user] = await tx.select().from(users).where(eq(users.id, row.userId!)).for("update");
    if (user?.status !== "invited") {
      throw new AppError("LINK_EXPIRED", "This invitation is no longer valid. Ask the studio for a new one.");
    }
    assertAcceptablePassword(input.password, await passwordContextOf(tx, user));
    await storePassword(tx, ctx, user.id, input.password);
    const now = ctx.clock.now();
    await tx
      .update(users)
      .set({ status: "active", emailVerifiedAt: now, updatedAt: now })
      .where(eq(users.id, user.id));
    await recordAudit(
      tx,
      ctx.clock,
      { ...actor, userId: user.id, email: user.email },
      {
        action: "identity.invitation_accepted",
        target: { type: "user", id: user.id, label: user.email },
        partnerId: user.partnerId,
        details: { emailVerified: true, passwordSet: true },
      },
    );
    return { email: user.email };
  });
}
