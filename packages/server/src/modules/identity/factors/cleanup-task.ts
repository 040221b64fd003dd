import { and, isNull, lt } from "drizzle-orm";
import { MINUTE } from "../../../platform/clock.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { PeriodicTask } from "../../../platform/worker.ts";
import { totpAuthenticators, webauthnChallenges } from "./schema.ts";
import { TOTP_ENROLMENT_TTL_MS } from "./totp-service.ts";

/**
 * Deletes what only ever lived for minutes: expired or used WebAuthn challenges and TOTP
 * enrolments never confirmed (never bound, so not part of the dated record). Idempotent.
 */
export async function purgeStaleFactorState(
  ctx: AppContext,
): Promise<{ challenges: number; enrolments: number }> {
  const now = ctx.clock.now().getTime();
  const db = ctx.database.db;
  const challenges = await db
    .delete(webauthnChallenges)
    .where(lt(webauthnChallenges.expiresAt, new Date(now)))
    .returning({ id: webauthnChallenges.id });
  const enrolments = await db
    .delete(totpAuthenticators)
    .where(
      and(
        isNull(totpAuthenticators.confirmedAt),
        lt(totpAuthenticators.createdAt, new Date(now - TOTP_ENROLMENT_TTL_MS)),
      ),
    )
    .returning({ id: totpAuthenticators.id });
  return { challenges: challenges.length, enrolments: enrolments.length };
}

export const factorCleanupTask: PeriodicTask = {
  name: "identity.factors.cleanup",
  everyMs: 15 * MINUTE,
  async run(ctx) {
    await purgeStaleFactorState(ctx);
  },
};
