import { inArray, sql } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Queryable } from "../../platform/db/client.ts";
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

/** Throws TOO_MANY_ATTEMPTS (429 + Retry-After) while either counter is in its delay. */
export async function checkThrottle(
  q: Queryable,
  clock: Clock,
  scope: ThrottleScope,
  subject: ThrottleSubject,
): Promise<void> {
  const keys = keysOf(scope, subject);
  const wanted = [keys.account, keys.address].filter((k): k is string => !!k);
  if (wanted.length === 0) return;
  const rows = await q.select().from(authThrottles).where(inArray(authThrottles.key, wanted));
  const now = clock.now().getTime();
  for (const row of rows) {
    if (row.key === keys.account && row.failures >= THROTTLE.accountHardCap) {
      throw new AppError(
        "TOO_MANY_ATTEMPTS",
        scope === "pwd"
          ? "Too many failed attempts. Reset your password by email to sign in again."
          : "Too many failed attempts. Contact the studio to restore access.",
        { details: { hardLimit: true } },
      );
    }
    if (row.key === keys.address && now - row.lastFailureAt.getTime() >= THROTTLE.addressDecayMs) continue;
    if (row.blockedUntil && row.blockedUntil.getTime() > now) throw tooMany(row.blockedUntil.getTime() - now);
  }
}

/** Count one failure on both counters and set their next allowed instant. */
export async function recordFailure(
  q: Queryable,
  clock: Clock,
  scope: ThrottleScope,
  subject: ThrottleSubject,
): Promise<void> {
  const keys = keysOf(scope, subject);
  const now = clock.now();
  const bump = async (key: string, free: number, decayMs: number | null) => {
    const cutoff = decayMs === null ? null : new Date(now.getTime() - decayMs);
    const next =
      cutoff === null
        ? sql`${authThrottles.failures} + 1`
        : sql`case when ${authThrottles.lastFailureAt} < ${cutoff} then 1 else ${authThrottles.failures} + 1 end`;
    const [row] = await q
      .insert(authThrottles)
      .values({ key, failures: 1, lastFailureAt: now, blockedUntil: null })
      .onConflictDoUpdate({ target: authThrottles.key, set: { failures: next, lastFailureAt: now } })
      .returning({ failures: authThrottles.failures });
    const delay = delayAfter(row.failures, free);
    await q
      .update(authThrottles)
      .set({ blockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null })
      .where(sql`${authThrottles.key} = ${key}`);
  };
  if (keys.account) await bump(keys.account, THROTTLE.accountFree, null);
  if (keys.address) await bump(keys.address, THROTTLE.addressFree, THROTTLE.addressDecayMs);
}

/** A success clears the account's counter (not the address's). */
export async function recordSuccess(
  q: Queryable,
  _clock: Clock,
  scope: ThrottleScope,
  subject: ThrottleSubject,
): Promise<void> {
  const { account } = keysOf(scope, subject);
  if (account) await q.delete(authThrottles).where(inArray(authThrottles.key, [account]));
}

/** Clear an account's counter outright (password reset for "pwd"; a Studio Admin for "mfa"). */
export async function clearAccountThrottle(
  q: Queryable,
  scope: ThrottleScope,
  account: string,
): Promise<void> {
  await q.delete(authThrottles).where(inArray(authThrottles.key, [`${scope}:acct:${account}`]));
}
