import crypto from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { and, count, eq, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";
import { recoveryCodes } from "./schema.ts";
import { type FactorOwner, type Refusal, userTarget } from "./verification.ts";

/**
 * Recovery codes (NIST look-up secrets): 10 single-use codes of 10 base32 characters (50 bits
 * each from the CSPRNG), shown as XXXXX-XXXXX once and stored only as argon2id hashes (salt inside
 * the PHC string). ASVS 6.5.2 asks for a password-hashing algorithm below 112 bits of entropy, so
 * argon2id rather than a fast hash; a wrong guess is throttled like any second factor.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// OWASP's argon2id minimum (19 MiB, 2 passes): a check of all ten codes stays well under a second
const HASH_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

function newCode(): string {
  const bytes = crypto.randomBytes(10);
  let code = "";
  for (const b of bytes) code += ALPHABET[b & 31];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** what people type: any case, with or without the dash or spaces; 0/1/8 read as O/I/B */
export function normaliseRecoveryCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "").replace(/0/g, "O").replace(/1/g, "I").replace(/8/g, "B");
}

export async function remainingRecoveryCodes(q: Queryable, userId: string): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(recoveryCodes)
    .where(
      and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt), isNull(recoveryCodes.revokedAt)),
    );
  return row.n;
}

/**
 * A new set of codes; every earlier unused code stops working. Returns the codes in clear: the
 * only time they exist outside the user's hands.
 */
export async function generateRecoveryCodes(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  actor: Actor,
  owner: FactorOwner,
): Promise<{ codes: string[]; replaced: boolean }> {
  const now = ctx.clock.now();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const hashes = await Promise.all(codes.map((c) => hash(normaliseRecoveryCode(c), HASH_OPTIONS)));
  const revoked = await q
    .update(recoveryCodes)
    .set({ revokedAt: now })
    .where(and(eq(recoveryCodes.userId, owner.id), isNull(recoveryCodes.revokedAt)))
    .returning({ id: recoveryCodes.id });
  const batchId = crypto.randomUUID();
  await q.insert(recoveryCodes).values(
    hashes.map((codeHash) => ({
      id: crypto.randomUUID(),
      userId: owner.id,
      batchId,
      codeHash,
      createdAt: now,
    })),
  );
  const replaced = revoked.length > 0;
  await recordAudit(q, ctx.clock, actor, {
    action: "mfa.recovery_codes.generated",
    target: userTarget(owner),
    details: { batchId, count: RECOVERY_CODE_COUNT, replacedPrevious: replaced },
  });
  return { codes, replaced };
}

export type RecoveryMatch = { ok: true; codeId: string; remaining: number } | { ok: false; reason: Refusal };

/**
 * Uses one recovery code: it is marked used in the same transaction (row locks prevent a double
 * spend). A code of the current set that was already used is reported as a replay. Does not audit.
 */
export async function useRecoveryCode(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  typed: string,
): Promise<RecoveryMatch> {
  const code = normaliseRecoveryCode(typed);
  const rows = await q
    .select()
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.revokedAt)))
    .for("update");
  if (rows.length === 0) return { ok: false, reason: "no_factor" };
  if (!/^[A-Z2-7]{10}$/.test(code)) return { ok: false, reason: "wrong_code" };
  // every hash is checked (in parallel on libuv's pool): the time does not depend on which matched
  const matches = await Promise.all(rows.map((row) => verify(row.codeHash, code)));
  const row = rows.find((_, i) => matches[i]);
  if (row) {
    if (row.usedAt) return { ok: false, reason: "replayed" };
    await q.update(recoveryCodes).set({ usedAt: ctx.clock.now() }).where(eq(recoveryCodes.id, row.id));
    const remaining = rows.filter((r) => !r.usedAt && r.id !== row.id).length;
    return { ok: true, codeId: row.id, remaining };
  }
  return { ok: false, reason: "wrong_code" };
}
