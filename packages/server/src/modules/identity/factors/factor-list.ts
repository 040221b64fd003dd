import { and, count, eq, isNotNull, isNull } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Queryable } from "../../../platform/db/client.ts";
import type { AuthMethod } from "../auth-types.ts";
import { oathTokens, recoveryCodes, totpAuthenticators, webauthnCredentials } from "./schema.ts";

export type FactorType = "totp" | "oath" | "webauthn";

/** One bound authenticator as people see it in their settings (no secrets). */
export interface FactorSummary {
  id: string;
  type: FactorType;
  name: string;
  /** what signing in with it adds to a session's amr */
  amr: Extract<AuthMethod, "otp" | "hwk" | "swk">;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** null while still bound */
  revokedAt: Date | null;
  /** hardware OATH token serial */
  serial?: string;
  digits?: number;
  period?: number;
  /** WebAuthn: "singleDevice" security key or "multiDevice" synced passkey */
  deviceType?: string;
  transports?: string[];
}

export interface FactorCounts {
  /** bound authenticators that can sign in on their own; recovery codes are a backup, not counted */
  total: number;
  byType: { totp: number; oath: number; webauthn: number; recovery: number };
}

/** Counts confirmed, unrevoked factors. byType.recovery is the number of unused recovery codes. */
export async function countFactors(q: Queryable, userId: string): Promise<FactorCounts> {
  const [[totp], [oath], [webauthn], [recovery]] = await Promise.all([
    q
      .select({ n: count() })
      .from(totpAuthenticators)
      .where(
        and(
          eq(totpAuthenticators.userId, userId),
          isNotNull(totpAuthenticators.confirmedAt),
          isNull(totpAuthenticators.revokedAt),
        ),
      ),
    q
      .select({ n: count() })
      .from(oathTokens)
      .where(
        and(
          eq(oathTokens.assignedUserId, userId),
          isNotNull(oathTokens.confirmedAt),
          isNull(oathTokens.revokedAt),
        ),
      ),
    q
      .select({ n: count() })
      .from(webauthnCredentials)
      .where(and(eq(webauthnCredentials.userId, userId), isNull(webauthnCredentials.revokedAt))),
    q
      .select({ n: count() })
      .from(recoveryCodes)
      .where(
        and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt), isNull(recoveryCodes.revokedAt)),
      ),
  ]);
  const byType = { totp: totp.n, oath: oath.n, webauthn: webauthn.n, recovery: recovery.n };
  return { total: byType.totp + byType.oath + byType.webauthn, byType };
}

/**
 * The user's bound authenticators, oldest first. With `includeRevoked` it is the dated record of
 * every authenticator they ever held (NIST SP 800-63B §6.1), for admins and auditors.
 */
export async function listFactors(
  q: Queryable,
  userId: string,
  opts: { includeRevoked?: boolean } = {},
): Promise<FactorSummary[]> {
  const live = (revokedAt: AnyPgColumn) => (opts.includeRevoked ? undefined : isNull(revokedAt));
  const [totps, tokens, keys] = await Promise.all([
    q
      .select()
      .from(totpAuthenticators)
      .where(
        and(
          eq(totpAuthenticators.userId, userId),
          isNotNull(totpAuthenticators.confirmedAt),
          live(totpAuthenticators.revokedAt),
        ),
      ),
    q
      .select()
      .from(oathTokens)
      .where(
        and(
          eq(oathTokens.assignedUserId, userId),
          isNotNull(oathTokens.confirmedAt),
          live(oathTokens.revokedAt),
        ),
      ),
    q
      .select()
      .from(webauthnCredentials)
      .where(and(eq(webauthnCredentials.userId, userId), live(webauthnCredentials.revokedAt))),
  ]);
  const all: FactorSummary[] = [
    ...totps.map((t) => ({
      id: t.id,
      type: "totp" as const,
      name: t.label,
      amr: "otp" as const,
      createdAt: t.confirmedAt ?? t.createdAt,
      lastUsedAt: t.lastUsedAt,
      revokedAt: t.revokedAt,
      digits: t.digits,
      period: t.period,
    })),
    ...tokens.map((t) => ({
      id: t.id,
      type: "oath" as const,
      name: `Hardware token ${t.serial}`,
      amr: "otp" as const,
      createdAt: t.confirmedAt ?? t.importedAt,
      lastUsedAt: t.lastUsedAt,
      revokedAt: t.revokedAt,
      serial: t.serial,
      digits: t.digits,
      period: t.period,
    })),
    ...keys.map((k) => ({
      id: k.id,
      type: "webauthn" as const,
      name: k.name,
      amr: k.amr,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
      deviceType: k.deviceType,
      transports: k.transports,
    })),
  ];
  return all.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
