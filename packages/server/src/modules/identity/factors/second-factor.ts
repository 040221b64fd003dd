import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import type { AppContext } from "../../../platform/context.ts";
import { AppError } from "../../../platform/errors.ts";
import type { AuthMethod, RequestAuth } from "../auth-types.ts";
import { type IssuedSession, recordStepUp, type SessionMeta, upgradeSession } from "../session-service.ts";
import { beginAttempt, recordSuccess } from "../throttle.ts";
import { mailRecoveryCodeUsed, mailSuspiciousFactorUse } from "./factor-mails.ts";
import { matchOtpCode } from "./otp-verify.ts";
import { useRecoveryCode } from "./recovery-codes.ts";
import { type Refusal, refusalMessage, userTarget } from "./verification.ts";
import { matchWebauthnAssertion } from "./webauthn-service.ts";

export type Proof =
  | { kind: "otp"; code: string }
  | { kind: "recovery"; code: string }
  | { kind: "webauthn"; response: AuthenticationResponseJSON };

export interface SecondFactorOutcome {
  session: IssuedSession;
  purpose: "sign_in" | "step_up";
  method: AuthMethod;
  /** after a recovery code: how many are left */
  recoveryCodesRemaining?: number;
}

/**
 * The second step: a session at stage "password" proves a second factor and becomes complete
 * (sign-in); a complete session re-proves one (step-up, for sensitive actions). Either way the
 * session id rotates. Every attempt is throttled per account and per address (throttle.ts: growing
 * delays, no lock-out of the victim) and audited as "mfa.verify" with its outcome and reason,
 * replays and cloned-key counters included.
 */
export async function proveSecondFactor(
  ctx: AppContext,
  actor: Actor,
  auth: RequestAuth,
  proof: Proof,
  meta: SessionMeta,
): Promise<SecondFactorOutcome> {
  const { user, session } = auth;
  if (session.stage === "enrol") {
    throw new AppError("MFA_ENROLMENT_REQUIRED", "Set up two-step verification first.");
  }
  const purpose = session.stage === "password" ? ("sign_in" as const) : ("step_up" as const);
  const db = ctx.database.db;
  const subject = { account: user.id, ip: meta.ip };
  const auditBase = { action: "mfa.verify", target: userTarget(user), partnerId: user.partnerId };
  try {
    await beginAttempt(db, ctx.clock, "mfa", subject);
  } catch (err) {
    await recordAudit(db, ctx.clock, actor, {
      ...auditBase,
      outcome: "failure",
      reason: "throttled",
      details: { purpose, kind: proof.kind },
    });
    throw err;
  }

  const result = await db.transaction(async (tx) => {
    let match:
      | { ok: true; method: AuthMethod; factorId: string; remaining?: number }
      | { ok: false; reason: Refusal; details?: Record<string, unknown> };
    if (proof.kind === "otp") {
      const m = await matchOtpCode(tx, ctx, user.id, proof.code);
      match = m.ok ? { ok: true, method: "otp", factorId: m.factorId } : m;
    } else if (proof.kind === "recovery") {
      const m = await useRecoveryCode(tx, ctx, user.id, proof.code);
      match = m.ok ? { ok: true, method: "rec", factorId: m.codeId, remaining: m.remaining } : m;
    } else {
      const m = await matchWebauthnAssertion(tx, ctx, user.id, session.id, proof.response);
      match = m.ok ? { ok: true, method: m.amr, factorId: m.factorId } : m;
    }
    // a failed proof was counted when the attempt began
    if (!match.ok) {
      await recordAudit(tx, ctx.clock, actor, {
        ...auditBase,
        outcome: "failure",
        reason: match.reason,
        details: { purpose, kind: proof.kind, ...match.details },
      });
      return match;
    }
    await recordSuccess(tx, ctx.clock, "mfa", subject);
    const issued =
      purpose === "sign_in"
        ? await upgradeSession(tx, ctx, session.id, match.method, meta)
        : await recordStepUp(tx, ctx, session.id, match.method, meta);
    await recordAudit(tx, ctx.clock, actor, {
      ...auditBase,
      details: {
        purpose,
        kind: proof.kind,
        method: match.method,
        factorId: match.factorId,
        recoveryCodesRemaining: match.remaining,
      },
    });
    return { ...match, issued };
  });

  if (!result.ok) {
    if (result.reason === "replayed" || result.reason === "counter_regressed") {
      await mailSuspiciousFactorUse(ctx, user, result.reason);
    }
    throw new AppError("BAD_REQUEST", refusalMessage(result.reason), { details: { reason: result.reason } });
  }
  if (result.remaining !== undefined) await mailRecoveryCodeUsed(ctx, user, result.remaining);
  return {
    session: result.issued,
    purpose,
    method: result.method,
    recoveryCodesRemaining: result.remaining,
  };
}
