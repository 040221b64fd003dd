import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import { MINUTE } from "../../../platform/clock.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable, Tx } from "../../../platform/db/client.ts";
import { AppError } from "../../../platform/errors.ts";
import type { RequestAuth } from "../auth-types.ts";
import { type IssuedSession, type SessionMeta, upgradeSession } from "../session-service.ts";
import { beginAttempt, recordSuccess } from "../throttle.ts";
import { countFactors, type FactorCounts } from "./factor-list.ts";
import { mailFactorAdded, mailRecoveryCodesGenerated } from "./factor-mails.ts";
import { generateRecoveryCodes, remainingRecoveryCodes } from "./recovery-codes.ts";
import type { ConfirmedFactor } from "./totp-service.ts";
import { type Checked, refusalMessage, userTarget } from "./verification.ts";

/** how recent a step-up must be for sensitive factor changes (ASVS 7.5.1) */
export const STEP_UP_MAX_AGE_MS = 10 * MINUTE;

/**
 * Who may bind a new factor (NIST SP 800-63B §6.1.2.1; Keycloak #21837 shows the hole when
 * enrolment follows a weaker rule than sign-in):
 * - never an unauthenticated party (the routes require a session);
 * - a session at stage "enrol" (password proven, no factor yet) may enrol its first factor;
 * - a complete session of a user without a factor (enrolment postponed while only urged) likewise;
 * - a user who already holds a factor must have re-proved one within the last 10 minutes.
 */
export async function assertMayEnrol(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  auth: RequestAuth,
): Promise<FactorCounts> {
  if (auth.session.stage === "password") {
    throw new AppError("MFA_REQUIRED", "Confirm your sign-in with your second factor first.");
  }
  const counts = await countFactors(q, auth.user.id);
  if (counts.total === 0) return counts;
  const at = auth.session.stepUpAt;
  if (
    auth.session.stage !== "complete" ||
    !at ||
    ctx.clock.now().getTime() - at.getTime() > STEP_UP_MAX_AGE_MS
  ) {
    throw new AppError("STEP_UP_REQUIRED", "Confirm it is you with your second factor, then try again.", {
      details: { maxAgeSeconds: STEP_UP_MAX_AGE_MS / 1000 },
    });
  }
  return counts;
}

export interface EnrolmentOutcome {
  factorId: string;
  name: string;
  method: "otp" | "hwk" | "swk";
  /** set when the session was rotated (the first factor completes the sign-in) */
  session: IssuedSession | null;
  /** generated automatically with the first factor: shown this once */
  recoveryCodes: string[] | null;
  counts: FactorCounts;
}

/**
 * Binds a factor whose proof `confirm` checks, in one transaction. The first factor completes
 * the session (rotated, amr gains the factor's method) and comes with a set of recovery codes
 * (Keycloak #41836: offered automatically). The user is mailed about the new factor.
 */
export async function finishEnrolment(
  ctx: AppContext,
  actor: Actor,
  auth: RequestAuth,
  meta: SessionMeta,
  confirm: (tx: Tx) => Promise<Checked<ConfirmedFactor>>,
): Promise<EnrolmentOutcome> {
  // throttled like the second step: a hardware token assigned to someone must not be claimable
  // by guessing its codes with their password
  const subject = { account: auth.user.id, ip: meta.ip };
  try {
    await beginAttempt(ctx.database.db, ctx.clock, "mfa", subject);
  } catch (err) {
    await recordAudit(ctx.database.db, ctx.clock, actor, {
      action: "mfa.factor.confirm",
      outcome: "failure",
      reason: "throttled",
      target: userTarget(auth.user),
    });
    throw err;
  }
  const result = await ctx.database.db.transaction(async (tx) => {
    await assertMayEnrol(tx, ctx, auth);
    const r = await confirm(tx);
    // a wrong code was counted when the attempt began
    if (!r.ok) return r;
    await recordSuccess(tx, ctx.clock, "mfa", subject);
    const session =
      r.firstFactor || auth.session.stage === "enrol"
        ? await upgradeSession(tx, ctx, auth.session.id, r.method, meta)
        : null;
    const recovery =
      r.firstFactor && (await remainingRecoveryCodes(tx, auth.user.id)) === 0
        ? await generateRecoveryCodes(tx, ctx, actor, auth.user)
        : null;
    const counts = await countFactors(tx, auth.user.id);
    return { ...r, session, recoveryCodes: recovery?.codes ?? null, counts };
  });
  if (!result.ok) {
    throw new AppError("BAD_REQUEST", refusalMessage(result.reason), { details: { reason: result.reason } });
  }
  await mailFactorAdded(ctx, auth.user, result.name);
  if (result.recoveryCodes) await mailRecoveryCodesGenerated(ctx, auth.user, false);
  return {
    factorId: result.factorId,
    name: result.name,
    method: result.method,
    session: result.session,
    recoveryCodes: result.recoveryCodes,
    counts: result.counts,
  };
}
