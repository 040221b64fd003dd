import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";
import { AppError, notFound } from "../../../platform/errors.ts";
import { users } from "../../directory/schema.ts";
import { revokeSessions } from "../session-service.ts";
import { clearAccountThrottle } from "../throttle.ts";
import { countFactors, type FactorType } from "./factor-list.ts";
import { oathTokens, recoveryCodes, totpAuthenticators, webauthnCredentials } from "./schema.ts";
import { type FactorOwner, userTarget } from "./verification.ts";

interface LiveFactor {
  type: FactorType;
  id: string;
  name: string;
}

/** one of the user's bound, unrevoked factors by id, whichever kind it is */
async function findLiveFactor(q: Queryable, userId: string, factorId: string): Promise<LiveFactor | null> {
  const [totp] = await q
    .select({ id: totpAuthenticators.id, name: totpAuthenticators.label })
    .from(totpAuthenticators)
    .where(
      and(
        eq(totpAuthenticators.id, factorId),
        eq(totpAuthenticators.userId, userId),
        isNotNull(totpAuthenticators.confirmedAt),
        isNull(totpAuthenticators.revokedAt),
      ),
    );
  if (totp) return { type: "totp", ...totp };
  const [key] = await q
    .select({ id: webauthnCredentials.id, name: webauthnCredentials.name })
    .from(webauthnCredentials)
    .where(
      and(
        eq(webauthnCredentials.id, factorId),
        eq(webauthnCredentials.userId, userId),
        isNull(webauthnCredentials.revokedAt),
      ),
    );
  if (key) return { type: "webauthn", ...key };
  const [token] = await q
    .select({ id: oathTokens.id, serial: oathTokens.serial })
    .from(oathTokens)
    .where(
      and(
        eq(oathTokens.id, factorId),
        eq(oathTokens.assignedUserId, userId),
        isNotNull(oathTokens.confirmedAt),
        isNull(oathTokens.revokedAt),
      ),
    );
  if (token) return { type: "oath", id: token.id, name: `Hardware token ${token.serial}` };
  return null;
}

export async function renameFactor(
  ctx: AppContext,
  actor: Actor,
  owner: FactorOwner,
  factorId: string,
  name: string,
): Promise<void> {
  await ctx.database.db.transaction(async (tx) => {
    const factor = await findLiveFactor(tx, owner.id, factorId);
    if (!factor) throw notFound("The factor");
    if (factor.type === "oath") {
      throw new AppError(
        "BAD_REQUEST",
        "A hardware token is named by its serial number and cannot be renamed.",
      );
    }
    if (factor.type === "totp") {
      await tx.update(totpAuthenticators).set({ label: name }).where(eq(totpAuthenticators.id, factorId));
    } else {
      await tx.update(webauthnCredentials).set({ name }).where(eq(webauthnCredentials.id, factorId));
    }
    await recordAudit(tx, ctx.clock, actor, {
      action: "mfa.factor.renamed",
      target: userTarget(owner),
      details: { type: factor.type, factorId, from: factor.name, to: name },
    });
  });
}

/**
 * The user removes one of their factors (the route demands a recent step-up). The last one cannot
 * be removed: they add another first, so an account never silently drops to no second factor.
 * The user's other sessions end: whoever used the removed factor is signed out.
 */
export async function removeFactor(
  ctx: AppContext,
  actor: Actor,
  owner: FactorOwner,
  factorId: string,
  keepSessionId: string,
): Promise<{ name: string; type: FactorType; otherSessionsEnded: number }> {
  return ctx.database.db.transaction(async (tx) => {
    const factor = await findLiveFactor(tx, owner.id, factorId);
    if (!factor) throw notFound("The factor");
    const counts = await countFactors(tx, owner.id);
    if (counts.total <= 1) {
      throw new AppError(
        "CONFLICT",
        "This is your only sign-in factor. Add another one first, then remove this one.",
      );
    }
    const now = ctx.clock.now();
    const revoked = { revokedAt: now, revokedReason: "removed_by_user" };
    if (factor.type === "totp") {
      await tx.update(totpAuthenticators).set(revoked).where(eq(totpAuthenticators.id, factorId));
    } else if (factor.type === "webauthn") {
      await tx.update(webauthnCredentials).set(revoked).where(eq(webauthnCredentials.id, factorId));
    } else {
      await tx.update(oathTokens).set(revoked).where(eq(oathTokens.id, factorId));
    }
    const otherSessionsEnded = await revokeSessions(tx, ctx, owner.id, keepSessionId, "factor_removed");
    await recordAudit(tx, ctx.clock, actor, {
      action: "mfa.factor.removed",
      target: userTarget(owner),
      details: { type: factor.type, factorId, name: factor.name, otherSessionsEnded },
    });
    return { name: factor.name, type: factor.type, otherSessionsEnded };
  });
}

/**
 * A Studio Admin resets ALL of another person's factors (lost key and phone-free token, say).
 * Everything is revoked in one transaction only when the admin's confirmed request arrives (never
 * on viewing the page: Keycloak #38593), the person's sessions all end, and at their next sign-in
 * they must enrol again (they hold no factor, so sign-in gives a stage "enrol" session).
 */
export async function adminResetFactors(
  ctx: AppContext,
  actor: Actor,
  input: { userId: string; reason: string },
): Promise<{ user: FactorOwner; revoked: Record<string, number>; sessionsEnded: number }> {
  if (input.userId === actor.userId) {
    throw new AppError("FORBIDDEN", "You cannot reset your own factors: ask another Studio Admin.");
  }
  return ctx.database.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, input.userId));
    if (!user) throw notFound("The person");
    const now = ctx.clock.now();
    const revoked = { revokedAt: now, revokedReason: "admin_reset" };
    await tx
      .delete(totpAuthenticators)
      .where(and(eq(totpAuthenticators.userId, user.id), isNull(totpAuthenticators.confirmedAt)));
    const totp = await tx
      .update(totpAuthenticators)
      .set(revoked)
      .where(and(eq(totpAuthenticators.userId, user.id), isNull(totpAuthenticators.revokedAt)))
      .returning({ id: totpAuthenticators.id });
    const oath = await tx
      .update(oathTokens)
      .set(revoked)
      .where(and(eq(oathTokens.assignedUserId, user.id), isNull(oathTokens.revokedAt)))
      .returning({ id: oathTokens.id });
    const webauthn = await tx
      .update(webauthnCredentials)
      .set(revoked)
      .where(and(eq(webauthnCredentials.userId, user.id), isNull(webauthnCredentials.revokedAt)))
      .returning({ id: webauthnCredentials.id });
    const recovery = await tx
      .update(recoveryCodes)
      .set({ revokedAt: now })
      .where(
        and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.revokedAt), isNull(recoveryCodes.usedAt)),
      )
      .returning({ id: recoveryCodes.id });
    const sessionsEnded = await revokeSessions(tx, ctx, user.id, undefined, "factors_reset");
    // a reset restores access: a second-factor throttle that reached its hard cap is cleared
    await clearAccountThrottle(tx, "mfa", user.id);
    const counts = {
      totp: totp.length,
      oath: oath.length,
      webauthn: webauthn.length,
      recoveryCodes: recovery.length,
    };
    await recordAudit(tx, ctx.clock, actor, {
      action: "mfa.admin_reset",
      reason: input.reason,
      target: userTarget(user),
      details: { revoked: counts, sessionsEnded },
    });
    return { user, revoked: counts, sessionsEnded };
  });
}
