import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import { MINUTE } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { users } from "../directory/schema.ts";
import { passwordContextOf, storePassword } from "./accounts.ts";
import { canonicalEmail } from "./email-address.ts";
import { consumeEmailToken, issueEmailToken } from "./email-tokens.ts";
import { passwordChangedMail, passwordResetMail } from "./mails.ts";
import { assertAcceptablePassword } from "./passwords.ts";
import { revokeSessions } from "./session-service.ts";
import { beginAttempt, clearAccountThrottle } from "./throttle.ts";

/**
 * Password reset by email. Requesting answers the same whether or not the account exists (the
 * mail goes out after the response is decided, so timing does not tell either). Completing it sets
 * the password and ends every session, but signs nobody in and leaves the factors alone: the next
 * sign-in still needs the password AND the second factor (ASVS 6.4.3; cf. Keycloak #12759).
 */
export const RESET_TTL_MINUTES = 45;

export async function requestPasswordReset(ctx: AppContext, actor: Actor, email: string): Promise<void> {
  const canonical = canonicalEmail(email);
  const db = ctx.database.db;
  // every request counts (known address or not): a flood of reset mails is slowed down
  const subject = { account: canonical, ip: actor.ip };
  await beginAttempt(db, ctx.clock, "reset", subject);
  const issued = await db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.emailCanonical, canonical));
    if (user?.status !== "active") {
      await recordAudit(
        tx,
        ctx.clock,
        { ...actor, email: email.slice(0, 320) },
        {
          action: "identity.password_reset_requested",
          outcome: "failure",
          reason: user ? `account_${user.status}` : "unknown_account",
          target: user ? { type: "user", id: user.id, label: user.email } : undefined,
        },
      );
      return null;
    }
    const token = await issueEmailToken(tx, ctx.clock, "password_reset", user.id, RESET_TTL_MINUTES * MINUTE);
    await recordAudit(
      tx,
      ctx.clock,
      { ...actor, email: user.email },
      {
        action: "identity.password_reset_requested",
        target: { type: "user", id: user.id, label: user.email },
        partnerId: user.partnerId,
      },
    );
    return { user, token };
  });
  if (issued) {
    // not awaited: the response must not wait on SMTP only when the account exists
    ctx.mailer
      .send(passwordResetMail(ctx.config, issued.user, issued.token, RESET_TTL_MINUTES))
      .catch((err) => ctx.log.error({ err }, "password reset mail failed"));
  }
}

export async function completePasswordReset(
  ctx: AppContext,
  actor: Actor,
  input: { token: string; password: string },
): Promise<void> {
  const user = await ctx.database.db.transaction(async (tx) => {
    const row = await consumeEmailToken(tx, ctx.clock, input.token, ["password_reset"]);
    const [user] = await tx.select().from(users).where(eq(users.id, row.userId!)).for("update");
    if (user?.status !== "active") {
      throw new AppError("LINK_EXPIRED", "This link is no longer valid. Contact the studio.");
    }
    assertAcceptablePassword(input.password, await passwordContextOf(tx, user));
    await storePassword(tx, ctx, user.id, input.password);
    const ended = await revokeSessions(tx, ctx, user.id, undefined, "password_reset");
    // NIST's 100-failure cap is lifted by proving the mailbox and choosing a new password
    await clearAccountThrottle(tx, "pwd", user.emailCanonical);
    await recordAudit(
      tx,
      ctx.clock,
      { ...actor, userId: user.id, email: user.email },
      {
        action: "identity.password_reset",
        target: { type: "user", id: user.id, label: user.email },
        partnerId: user.partnerId,
        details: { sessionsEnded: ended, factorsUnchanged: true },
      },
    );
    return user;
  });
  await ctx.mailer.send(passwordChangedMail(user, "reset", ctx.clock.now()));
}
