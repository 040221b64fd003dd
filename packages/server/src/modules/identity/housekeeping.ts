import { and, isNotNull, lt, or, sql } from "drizzle-orm";
import { DAY, HOUR } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { PeriodicTask } from "../../platform/worker.ts";
import { authThrottles, emailTokens, sessions } from "./schema.ts";
import { THROTTLE } from "./throttle.ts";

/**
 * How long dead identity rows are kept before the housekeeping task deletes them. What happened
 * stays in the audit log (sign-ins, sign-outs, links sent and used); these tables hold only what a
 * live request needs, and without a purge they would grow with every sign-in and every guessed
 * address.
 */
export const RETENTION = {
  /** ended sessions (signed out, rotated, revoked, or past their absolute expiry) */
  endedSessionsMs: 30 * DAY,
  /** mail links after their expiry, used or not */
  expiredTokensMs: 30 * DAY,
  /**
   * An account's failure counter below NIST's 100-failure cap after this long without a failure:
   * at most 99 failures per 30 days can then be spent on one account, and counters for the
   * addresses an attacker sprays do not pile up. Counters at the cap stay until a reset clears them.
   */
  quietAccountThrottleMs: 30 * DAY,
} as const;

export interface HousekeepingResult {
  sessions: number;
  tokens: number;
  throttles: number;
}

/** Deletes what RETENTION says is dead; idempotent, so a missed or repeated run does no harm. */
export async function purgeDeadIdentityState(
  ctx: Pick<AppContext, "clock" | "database">,
): Promise<HousekeepingResult> {
  const now = ctx.clock.now().getTime();
  const db = ctx.database.db;
  const sessionCutoff = new Date(now - RETENTION.endedSessionsMs);
  const endedSessions = await db
    .delete(sessions)
    .where(
      or(
        and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, sessionCutoff)),
        lt(sessions.absoluteExpiresAt, sessionCutoff),
      ),
    )
    .returning({ id: sessions.id });
  const tokens = await db
    .delete(emailTokens)
    .where(lt(emailTokens.expiresAt, new Date(now - RETENTION.expiredTokensMs)))
    .returning({ id: emailTokens.id });
  // an address counter restarts from 1 after THROTTLE.addressDecayMs without failures anyway
  const addressCutoff = new Date(now - THROTTLE.addressDecayMs);
  const accountCutoff = new Date(now - RETENTION.quietAccountThrottleMs);
  const throttles = await db
    .delete(authThrottles)
    .where(
      or(
        and(
          sql`split_part(${authThrottles.key}, ':', 2) = 'ip'`,
          lt(authThrottles.lastFailureAt, addressCutoff),
        ),
        and(
          sql`split_part(${authThrottles.key}, ':', 2) = 'acct'`,
          lt(authThrottles.failures, THROTTLE.accountHardCap),
          lt(authThrottles.lastFailureAt, accountCutoff),
        ),
      ),
    )
    .returning({ key: authThrottles.key });
  return { sessions: endedSessions.length, tokens: tokens.length, throttles: throttles.length };
}

export const identityHousekeepingTask: PeriodicTask = {
  name: "identity.housekeeping",
  everyMs: HOUR,
  async run(ctx) {
    await purgeDeadIdentityState(ctx);
  },
};
