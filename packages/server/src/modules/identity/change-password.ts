import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { users } from "../directory/schema.ts";
import { passwordContextOf, storePassword } from "./accounts.ts";
import type { RequestAuth } from "./auth-types.ts";
import { passwordChangedMail } from "./mails.ts";
import { assertAcceptablePassword, verifyPassword } from "./passwords.ts";
import { passwordCredentials } from "./schema.ts";
import { revokeSessions } from "./session-service.ts";
import { beginAttempt, recordSuccess } from "./throttle.ts";

/**
 * A signed-in user changes their own password: the route demands a recent step-up, and the
 * current password is checked too (throttled like sign-in). Other sessions end; the user is mailed.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  actor: Actor,
  auth: RequestAuth,
  input: { currentPassword: string; newPassword: string },
): Promise<{ sessionsEnded: number }> {
  const db = ctx.database.db;
  const [row] = await db
    .select({ user: users, hash: passwordCredentials.hash })
    .from(users)
    .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
    .where(eq(users.id, auth.user.id));
  const subject = { account: row.user.emailCanonical, ip: actor.ip };
  await beginAttempt(db, ctx.clock, "pwd", subject);
  if (!row.hash || !(await verifyPassword(row.hash, input.currentPassword))) {
    // the failure was counted when the attempt began
    await db.transaction(async (tx) => {
      await recordAudit(tx, ctx.clock, actor, {
        action: "identity.password_changed",
        outcome: "failure",
        reason: "wrong_current_password",
        target: { type: "user", id: auth.user.id, label: auth.user.email },
      });
    });
    throw new AppError("VALIDATION", "Your current password is not right.");
  }
  // the current password is proven: that attempt was no failure, whatever the new password is worth
  await recordSuccess(db, ctx.clock, "pwd", subject);
  assertAcceptablePassword(input.newPassword, await passwordContextOf(db, row.user));
  const ended = await db.transaction(async (tx) => {
    await storePassword(tx, ctx, auth.user.id, input.newPassword);
    const ended = await revokeSessions(tx, ctx, auth.user.id, auth.session.id, "password_changed");
    await recordAudit(tx, ctx.clock, actor, {
      action: "identity.password_changed",
      target: { type: "user", id: auth.user.id, label: auth.user.email },
      partnerId: auth.user.partnerId,
      details: { otherSessionsEnded: ended },
    });
    return ended;
  });
  await ctx.mailer.send(passwordChangedMail(row.user, "changed", ctx.clock.now()));
  return { sessionsEnded: ended };
}
