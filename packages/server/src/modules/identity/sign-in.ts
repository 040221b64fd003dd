import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { users } from "../directory/schema.ts";
import { rolesOf } from "./accounts.ts";
import type { SessionStage } from "./auth-types.ts";
import { canonicalEmail } from "./email-address.ts";
import type { MfaEnrolmentDecision } from "./enrolment-policy.ts";
import { type FactorKind, mfaStatusOf } from "./mfa-status.ts";
import { burnPasswordCheck, verifyPassword } from "./passwords.ts";
import { passwordCredentials } from "./schema.ts";
import { createSession, type IssuedSession, revokeSession, type SessionMeta } from "./session-service.ts";
import { beginAttempt, recordSuccess } from "./throttle.ts";

/**
 * The password step of sign-in. Success yields a NEW session (any session the browser held before
 * is ended: no fixation, ASVS 7.2.4) at stage "password" when the user has a second factor, or
 * "enrol" when they have none: a full session always needs the second step. Failure is one
 * message for every reason (unknown email, wrong password, inactive account), with the same work
 * done (a dummy argon2 verification for unknown emails) so neither content nor timing tells
 * whether an account exists; the real reason goes to the audit log.
 */
export const SIGN_IN_REFUSED = "The email address or password is not right.";

export interface SignInResult {
  session: IssuedSession;
  stage: SessionStage;
  /** what the client does next */
  next: "second-factor" | "enrol";
  factorTypes: FactorKind[];
  enrolment: MfaEnrolmentDecision;
}

export async function signIn(
  ctx: AppContext,
  actor: Actor,
  input: { email: string; password: string },
  meta: SessionMeta & { previousSessionId?: string | null },
): Promise<SignInResult> {
  const db = ctx.database.db;
  const canonical = canonicalEmail(input.email);
  const subject = { account: canonical, ip: meta.ip };
  const audit = { ...actor, email: input.email.slice(0, 320) };

  try {
    await beginAttempt(db, ctx.clock, "pwd", subject);
  } catch (err) {
    await recordAudit(db, ctx.clock, audit, {
      action: "identity.sign_in",
      outcome: "failure",
      reason: "throttled",
    });
    throw err;
  }

  const [found] = await db
    .select({ user: users, hash: passwordCredentials.hash })
    .from(users)
    .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
    .where(eq(users.emailCanonical, canonical));
  const passwordOk = found?.hash
    ? await verifyPassword(found.hash, input.password)
    : await burnPasswordCheck(input.password);

  if (!found || !passwordOk) {
    // the failure was counted when the attempt began
    await db.transaction(async (tx) => {
      await recordAudit(
        tx,
        ctx.clock,
        { ...audit, userId: found?.user.id ?? null },
        {
          action: "identity.sign_in",
          outcome: "failure",
          reason: !found ? "unknown_account" : found.hash ? "wrong_password" : "no_password",
          target: found ? { type: "user", id: found.user.id, label: found.user.email } : undefined,
          partnerId: found?.user.partnerId ?? null,
        },
      );
    });
    throw new AppError("UNAUTHENTICATED", SIGN_IN_REFUSED);
  }

  const user = found.user;
  if (user.status !== "active") {
    await recordAudit(
      db,
      ctx.clock,
      { ...audit, userId: user.id },
      {
        action: "identity.sign_in",
        outcome: "failure",
        reason: `account_${user.status}`,
        target: { type: "user", id: user.id, label: user.email },
        partnerId: user.partnerId,
      },
    );
    throw new AppError("UNAUTHENTICATED", SIGN_IN_REFUSED);
  }

  // read outside the transaction: the factor count runs its queries side by side
  const roles = await rolesOf(db, user.id);
  const mfa = await mfaStatusOf(db, ctx, { id: user.id, partnerId: user.partnerId, roles });
  return db.transaction(async (tx) => {
    await recordSuccess(tx, ctx.clock, "pwd", subject);
    if (meta.previousSessionId) await revokeSession(tx, ctx, meta.previousSessionId, "replaced_by_sign_in");
    const stage: SessionStage = mfa.factorCount > 0 ? "password" : "enrol";
    const session = await createSession(tx, ctx, user, { stage, amr: ["pwd"] }, meta);
    await recordAudit(
      tx,
      ctx.clock,
      { ...audit, userId: user.id },
      {
        action: "identity.sign_in",
        outcome: "success",
        reason: "password_verified",
        target: { type: "user", id: user.id, label: user.email },
        partnerId: user.partnerId,
        details: { stage, enrolment: mfa.decision },
      },
    );
    return {
      session,
      stage,
      next: stage === "password" ? ("second-factor" as const) : ("enrol" as const),
      factorTypes: mfa.factorTypes,
      enrolment: mfa.decision,
    };
  });
}
