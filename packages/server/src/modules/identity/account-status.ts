import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { type UserStatus, users } from "../directory/schema.ts";
import { revokeSessions } from "./session-service.ts";

/**
 * Account states and their transitions. Suspending or deactivating an account ends all its
 * sessions in the same transaction (ASVS 7.4.2): its next request is refused, and loadAuth refuses
 * any session of a non-active account anyway. Suspension is the reversible hold (NIST §6.2);
 * deactivation is the exit (a staff move or departure) and is also reversible by a Studio Admin.
 * Governance calls these functions; each writes its audit record in the caller's transaction.
 */
type UserRow = typeof users.$inferSelect;

async function loadForUpdate(q: Queryable, userId: string): Promise<UserRow> {
  const [user] = await q.select().from(users).where(eq(users.id, userId)).for("update");
  if (!user) throw notFound("The account");
  return user;
}

async function setStatus(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  actor: Actor,
  userId: string,
  to: UserStatus,
  allowedFrom: readonly UserStatus[],
  reason: string,
  action: string,
): Promise<UserRow> {
  const reasonText = reason.trim();
  if (!reasonText) throw new AppError("VALIDATION", "Give a reason: it goes into the audit log.");
  const user = await loadForUpdate(q, userId);
  if (actor.userId === userId && to !== "active") {
    throw new AppError("FORBIDDEN", "You cannot suspend or deactivate your own account.");
  }
  if (!allowedFrom.includes(user.status)) {
    throw new AppError("CONFLICT", `The account is ${user.status}; it cannot become ${to} from there.`);
  }
  const [updated] = await q
    .update(users)
    .set({ status: to, statusReason: reasonText, updatedAt: ctx.clock.now() })
    .where(eq(users.id, userId))
    .returning();
  const ended = to === "active" ? 0 : await revokeSessions(q, ctx, userId, undefined, `account_${to}`);
  await recordAudit(q, ctx.clock, actor, {
    action,
    target: { type: "user", id: userId, label: user.email },
    partnerId: user.partnerId,
    reason: reasonText,
    details: { from: user.status, to, sessionsEnded: ended },
  });
  return updated;
}

/** The person left or moved: access ends now, every session with it. */
export function deactivateUser(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  actor: Actor,
  reason: string,
): Promise<UserRow> {
  return setStatus(
    q,
    ctx,
    actor,
    userId,
    "deactivated",
    ["active", "invited", "suspended"],
    reason,
    "identity.user_deactivated",
  );
}

/** A reversible hold (lost authenticator, investigation): sessions end now. */
export function suspendUser(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  actor: Actor,
  reason: string,
): Promise<UserRow> {
  return setStatus(q, ctx, actor, userId, "suspended", ["active"], reason, "identity.user_suspended");
}

/**
 * Back to "invited" from suspended or deactivated: for a person who had not accepted their invitation
 * when access ended (an account audit's reinstatement), so they still confirm, set a password and enrol.
 */
export function restoreInvitation(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  actor: Actor,
  reason: string,
): Promise<UserRow> {
  return setStatus(
    q,
    ctx,
    actor,
    userId,
    "invited",
    ["suspended", "deactivated"],
    reason,
    "identity.user_reactivated",
  );
}

/** Back to active from suspended or deactivated (the person signs in again, with their factors). */
export function reactivateUser(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  actor: Actor,
  reason: string,
): Promise<UserRow> {
  return setStatus(
    q,
    ctx,
    actor,
    userId,
    "active",
    ["suspended", "deactivated"],
    reason,
    "identity.user_reactivated",
  );
}
