import { eq } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { partners, type Role } from "../directory/schema.ts";
import { type MfaEnrolmentDecision, mfaEnrolmentDecision } from "./enrolment-policy.ts";
import { countFactors } from "./factors/index.ts";
import { mfaGraceAccounts } from "./schema.ts";

export type FactorKind = "totp" | "oath" | "webauthn" | "recovery";

export interface MfaStatus {
  decision: MfaEnrolmentDecision;
  factorCount: number;
  /** the kinds of factor the user can use for the second step (recovery when codes remain) */
  factorTypes: FactorKind[];
}

/**
 * Marks an account as existing before its partner's MFA rollout: the enrolment policy then urges it
 * (rather than forcing it) to enrol until the partner's enforcement date. Idempotent.
 */
export async function grantMfaGrace(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  reason: string,
): Promise<void> {
  await q
    .insert(mfaGraceAccounts)
    .values({ userId, grantedAt: ctx.clock.now(), reason })
    .onConflictDoNothing();
}

/** A user's factors and the enrolment policy's verdict on them, read in one place. */
export async function mfaStatusOf(
  q: Queryable,
  ctx: Pick<AppContext, "clock" | "config">,
  user: { id: string; partnerId: string | null; roles: readonly Role[] },
): Promise<MfaStatus> {
  // sequential: inside a transaction node-postgres runs one query at a time anyway
  const counts = await countFactors(q, user.id);
  const partnerRows = user.partnerId
    ? await q
        .select({ mfaEnforcementDate: partners.mfaEnforcementDate })
        .from(partners)
        .where(eq(partners.id, user.partnerId))
    : [];
  const grace = await q
    .select({ userId: mfaGraceAccounts.userId })
    .from(mfaGraceAccounts)
    .where(eq(mfaGraceAccounts.userId, user.id));
  const decision = mfaEnrolmentDecision({
    user: { partnerId: user.partnerId, roles: user.roles, preExisting: grace.length > 0 },
    partner: partnerRows[0] ?? null,
    factorCount: counts.total,
    now: ctx.clock.now(),
    timeZone: ctx.config.studioTimeZone,
  });
  const factorTypes: FactorKind[] = [];
  if (counts.byType.totp > 0) factorTypes.push("totp");
  if (counts.byType.oath > 0) factorTypes.push("oath");
  if (counts.byType.webauthn > 0) factorTypes.push("webauthn");
  if (counts.byType.recovery > 0 && counts.total > 0) factorTypes.push("recovery");
  return { decision, factorCount: counts.total, factorTypes };
}
