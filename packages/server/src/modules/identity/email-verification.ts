import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import { HOUR } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import { users } from "../directory/schema.ts";
import { consumeEmailToken, issueEmailToken } from "./email-tokens.ts";
import { verifyEmailMail } from "./mails.ts";

/**
 * Email verification for accounts not created by invitation (the first admin, demo accounts):
 * a single-use link to the address proves the person controls it. Invitations verify in the
 * same step as choosing the password.
 */
export const VERIFY_TTL_HOURS = 72;

export async function sendEmailVerification(ctx: AppContext, userId: string): Promise<void> {
  const { user, token } = await ctx.database.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    const token = await issueEmailToken(tx, ctx.clock, "verify_email", userId, VERIFY_TTL_HOURS * HOUR);
    return { user, token };
  });
  await ctx.mailer.send(verifyEmailMail(ctx.config, user, token, VERIFY_TTL_HOURS));
}

export async function verifyEmail(ctx: AppContext, actor: Actor, token: string): Promise<void> {
  await ctx.database.db.transaction(async (tx) => {
    const row = await consumeEmailToken(tx, ctx.clock, token, ["verify_email"]);
    const now = ctx.clock.now();
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: now, updatedAt: now })
      .where(eq(users.id, row.userId!))
      .returning();
    await recordAudit(
      tx,
      ctx.clock,
      { ...actor, userId: actor.userId ?? user.id, email: actor.email ?? user.email },
      {
        action: "identity.email_verified",
        target: { type: "user", id: user.id, label: user.email },
        partnerId: user.partnerId,
      },
    );
  });
}
