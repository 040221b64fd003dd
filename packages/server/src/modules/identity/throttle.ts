import { eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Db, Queryable } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { authThrottles } from "./schema.ts";

/**
 * Throttling of password and second-factor attempts (NIST SP 800-63B §5.2.2, ASVS 6.1.1/6.3.1),
 * stored in the database so every process sees the same counters.
 *
 * Two separate counters per attempt: the ACCOUNT (canonical email for passwords, whether or not
 * the account exists, so the behaviour reveals nothing; user id for second factors) and the client
 * ADDRESS. Each allows some free failures, then imposes a growing delay (1 s, doubling, capped at
 * 15 min): delays, never a permanent lock, so an attacker cannot shut a person out; the delay ends
 * by itself when the attacker stops, and a success resets the account counter. After 100
 * consecutive failures on an account (NIST's cap) its attempts stop until a password reset (for
 * passwords) or a Studio Admin (for second factors) clears it. The address counter decays after
 * an hour without failures and is not reset by a success (one good account must not launder a
 * guessing run). "reset" counts password-reset requests the same way, so nobody can flood a
 * mailbox with reset mails.
 *
 * Usage: beginAttempt before examining the credential (it refuses, or counts the attempt as a
 * failure up front, atomically), recordSuccess when it turns out right. Counting first is what makes
 * a parallel burst unable to outrun the counter. The price, for people behind one address (a
 * facility's NAT): sign-ins in flight at the same instant count until they succeed, so with the
 * address near its 20 free failures a simultaneous sign-in may meet a 1 s delay. The window is the
 * verification (argon2id, about 5 ms here), and the delay ends by itself.
 */
export type ThrottleScope = "pwd" | "mfa" | "reset";

export interface ThrottleSubject {
  /** pwd and reset: canonical email; mfa: user id */
  account?: string | null;
  ip?: string | null;
}

export const THROTTLE = {
  accountFree: 5,
  addressFree: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  accountHardCap: 100,
  addressDecayMs: 60 * 60_000,
} as const;

function keysOf(scope: ThrottleScope, s: ThrottleSubject): { account?: string; address?: string } {
  return {
    account: s.account ? `${scope}:acct:${s.account}` : undefined,
    address: s.ip ? `${scope}:ip:${s.ip}` : undefined,
  };
}

/** the wait after the n-th consecutive failure, given how many are free */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  const doublings = Math.min(failures - free, 30);
  return Math.min(THROTTLE.baseDelayMs * 2 ** doublings, THROTTLE.maxDelayMs);
}

function tooMany(retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    "TOO_MANY_ATTEMPTS",
    `Too many attempts. Wait ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`} and try again.`,
    { retryAfterSeconds: seconds },
  );
}

/**
 * Reserve an attempt: throws TOO_MANY_ATTEMPTS (429 + Retry-After) while either counter is in its
 * delay (or the account is at the hard cap), else counts the attempt as a failure on both counters
 * before the caller checks anything. Check and count are one transaction over the counters' locked
 * rows (always account, then address: no deadlock), so a parallel burst cannot slip past the free
 * attempts: the attempt that reaches them sets the delay, and every later one in the burst is refused.
 * A refused attempt is not counted. The caller calls recordSuccess when the attempt succeeds.
 */
export async function beginAttempt(
  db: Db,
  clock: Clock,
  scope: ThrottleScope,
  subject: ThrottleSubject,
): Promise<void> {
  const keys = keysOf(scope, subject);
  const counters = [
    keys.account && { key: keys.account, free: THROTTLE.accountFree, decayMs: null, account: true },
    keys.address && {
      key: keys.address,
      free: THROTTLE.addressFree,
      decayMs: THROTTLE.addressDecayMs,
      account: false,
    },
  ].filter((c) => !!c);
  if (counters.length === 0) return;
  const now = clock.now();
  await db.transaction(async (tx) => {
    const next: { key: string; failures: number; free: number }[] = [];
    for (const c of counters) {
      await tx
        .insert(authThrottles)
        .values({ key: c.key, failures: 0, lastFailureAt: now, blockedUntil: null })
        .onConflictDoNothing();
      const [row] = await tx.select().from(authThrottles).where(eq(authThrottles.key, c.key)).for("update");
      const decayed = c.decayMs !== null && now.getTime() - row.lastFailureAt.getTime() >= c.decayMs;
      const failures = decayed ? 0 : row.failures;
      if (c.account && failures >= THROTTLE.accountHardCap) {
        throw new AppError(
          "TOO_MANY_ATTEMPTS",
          scope === "pwd"
            ? "Too many failed attempts. Reset your password by email to sign in again."
            : "Too many failed attempts. Contact the studio to restore access.",
          { details: { hardLimit: true } },
        );
      }
      if (!decayed && row.blockedUntil && row.blockedUntil > now)
        throw tooMany(row.blockedUntil.getTime() - now.getTime());
      next.push({ key: c.key, failures: failures + 1, free: c.free });
    }
    for (const n of next) {
      const delay = delayAfter(n.failures, n.free);
      await tx
        .update(authThrottles)
        .set({
          failures: n.failures,
          lastFailureAt: now,
          blockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null,
        })
        .where(eq(authThrottles.key, n.key));
    }
  });
}

/**
 * The reserved attempt succeeded: the account's counter is cleared, and the address gives back the
 * one failure beginAttempt counted for it (its earlier failures stay: one good account must not
 * launder a guessing run from the same address).
 */
export async function recordSuccess(
  q: Queryable,
  _clock: Clock,
  scope: ThrottleScope,
  subject: ThrottleSubject,
): Promise<void> {
  const { account, address } = keysOf(scope, subject);
  if (account) await q.delete(authThrottles).where(inArray(authThrottles.key, [account]));
  if (address) {
    await q
      .update(authThrottles)
      .set({ failures: sql`greatest(${authThrottles.failures} - 1, 0)` })
      .where(eq(authThrottles.key, address));
  }
}

/** Clear an account's counter outright (password reset for "pwd"; a Studio Admin for "mfa"). */
export async function clearAccountThrottle(
  q: Queryable,
  scope: ThrottleScope,
  account: string,
): Promise<void> {
  await q.delete(authThrottles).where(inArray(authThrottles.key, [`${scope}:acct:${account}`]));
}
