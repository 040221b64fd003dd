import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { type EmailTokenPurpose, emailTokens } from "./schema.ts";
import { hashToken } from "./session-service.ts";

/**
 * Single-use links (invitation, email verification, password reset, first-admin bootstrap). The
 * raw token travels only in the link; the database keeps its SHA-256. Issuing a new token of a
 * purpose invalidates the user's older ones, so only the newest link works.
 */
export async function issueEmailToken(
  q: Queryable,
  clock: Clock,
  purpose: EmailTokenPurpose,
  userId: string | null,
  ttlMs: number,
): Promise<string> {
  const now = clock.now();
  const stale = [
    eq(emailTokens.purpose, purpose),
    isNull(emailTokens.usedAt),
    isNull(emailTokens.invalidatedAt),
  ];
  stale.push(userId ? eq(emailTokens.userId, userId) : isNull(emailTokens.userId));
  await q
    .update(emailTokens)
    .set({ invalidatedAt: now })
    .where(and(...stale));
  const token = crypto.randomBytes(32).toString("base64url");
  await q.insert(emailTokens).values({
    id: crypto.randomUUID(),
    tokenHash: hashToken(token),
    purpose,
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlMs),
  });
  return token;
}

export type EmailTokenRow = typeof emailTokens.$inferSelect;

/**
 * The token's row if it is a live token of one of `purposes`, marked used in the caller's
 * transaction (so a failed action leaves it usable); otherwise a clear error.
 */
export async function consumeEmailToken(
  q: Queryable,
  clock: Clock,
  token: string,
  purposes: readonly EmailTokenPurpose[],
): Promise<EmailTokenRow> {
  const row = await peekEmailToken(q, clock, token, purposes);
  const used = await q
    .update(emailTokens)
    .set({ usedAt: clock.now() })
    .where(and(eq(emailTokens.id, row.id), isNull(emailTokens.usedAt)))
    .returning({ id: emailTokens.id });
  if (used.length === 0) throw usedError();
  return row;
}

/** Check a token without using it (to show the form a link opens). */
export async function peekEmailToken(
  q: Queryable,
  clock: Clock,
  token: string,
  purposes: readonly EmailTokenPurpose[],
): Promise<EmailTokenRow> {
  const [row] = await q
    .select()
    .from(emailTokens)
    .where(eq(emailTokens.tokenHash, hashToken(token)));
  if (!row || !purposes.includes(row.purpose)) {
    throw new AppError(
      "NOT_FOUND",
      "This link is not valid. Check that you opened the whole link from the email.",
    );
  }
  if (row.usedAt) throw usedError();
  if (row.invalidatedAt) {
    throw new AppError(
      "LINK_EXPIRED",
      "A newer link replaced this one. Use the most recent email we sent you.",
    );
  }
  if (clock.now().getTime() >= row.expiresAt.getTime()) {
    throw new AppError("LINK_EXPIRED", "This link has expired. Ask for a new one.");
  }
  return row;
}

function usedError(): AppError {
  return new AppError("LINK_EXPIRED", "This link has already been used. Each link works once.");
}
