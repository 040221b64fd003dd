import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import QRCode from "qrcode";
import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import { MINUTE } from "../../../platform/clock.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";
import { countFactors } from "./factor-list.ts";
import { checkTotp, groupBase32, newOtpSecret, type OtpParams, otpauthUri, toBase32 } from "./otp.ts";
import { type OtpAlgorithm, totpAuthenticators } from "./schema.ts";
import { openSecret, sealSecret } from "./secret-box.ts";
import { type Checked, type FactorOwner, refuse, userTarget } from "./verification.ts";

/** Parameters every common TOTP app understands (Google Authenticator ignores anything else). */
const TOTP_PARAMS = { digits: 6, period: 30, algorithm: "SHA1" as OtpAlgorithm };
/** an enrolment not confirmed within this time must be started again */
export const TOTP_ENROLMENT_TTL_MS = 15 * MINUTE;
const ISSUER = "Loupe";

export interface TotpEnrolment {
  id: string;
  label: string;
  /** base32 seed, shown once for typing into an app; never returned again */
  secret: string;
  secretGrouped: string;
  otpauthUri: string;
  /** the otpauth URI as an SVG QR code */
  qrCodeDataUrl: string;
  digits: number;
  period: number;
  algorithm: OtpAlgorithm;
  expiresAt: Date;
}

/**
 * Starts adding a TOTP app: a fresh seed, offered as a QR code and as typed text. It does not
 * count until confirmed with a code. Starting again discards an earlier unconfirmed attempt.
 */
export async function startTotpEnrolment(
  ctx: AppContext,
  actor: Actor,
  owner: FactorOwner,
  label: string,
): Promise<TotpEnrolment> {
  const id = crypto.randomUUID();
  const secret = newOtpSecret();
  const params: OtpParams = { secret, ...TOTP_PARAMS };
  const uri = otpauthUri(params, ISSUER, owner.email);
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  const now = ctx.clock.now();
  await ctx.database.db.transaction(async (tx) => {
    await tx
      .delete(totpAuthenticators)
      .where(and(eq(totpAuthenticators.userId, owner.id), isNull(totpAuthenticators.confirmedAt)));
    await tx.insert(totpAuthenticators).values({
      id,
      userId: owner.id,
      label,
      secretSealed: sealSecret(ctx.config.dataDir, id, secret),
      ...TOTP_PARAMS,
      createdAt: now,
    });
    await recordAudit(tx, ctx.clock, actor, {
      action: "mfa.totp.enrolment_started",
      target: userTarget(owner),
      details: { factorId: id, label },
    });
  });
  const base32 = toBase32(secret);
  return {
    id,
    label,
    secret: base32,
    secretGrouped: groupBase32(base32),
    otpauthUri: uri,
    qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
    ...TOTP_PARAMS,
    expiresAt: new Date(now.getTime() + TOTP_ENROLMENT_TTL_MS),
  };
}

export interface ConfirmedFactor {
  factorId: string;
  name: string;
  /** what this factor adds to a session's amr */
  method: "otp" | "hwk" | "swk";
  /** the user had no factor before this one */
  firstFactor: boolean;
}

/** Confirms a TOTP enrolment with a code from the app; only then does it count as a factor. */
export async function confirmTotpEnrolment(
  q: Queryable,
  ctx: AppContext,
  actor: Actor,
  owner: FactorOwner,
  factorId: string,
  code: string,
): Promise<Checked<ConfirmedFactor>> {
  const [row] = await q
    .select()
    .from(totpAuthenticators)
    .where(
      and(
        eq(totpAuthenticators.id, factorId),
        eq(totpAuthenticators.userId, owner.id),
        isNull(totpAuthenticators.confirmedAt),
        isNull(totpAuthenticators.revokedAt),
      ),
    )
    .for("update");
  const action = "mfa.factor.confirm";
  if (!row) return refuse(q, ctx, actor, owner, action, "not_found", { type: "totp", factorId });
  const now = ctx.clock.now();
  if (now.getTime() - row.createdAt.getTime() > TOTP_ENROLMENT_TTL_MS) {
    return refuse(q, ctx, actor, owner, action, "expired", { type: "totp", factorId });
  }
  const secret = openSecret(ctx.config.dataDir, row.id, row.secretSealed);
  const result = checkTotp({ ...row, secret }, code, now, null);
  if (!result.ok) return refuse(q, ctx, actor, owner, action, result.reason, { type: "totp", factorId });

  const before = await countFactors(q, owner.id);
  await q
    .update(totpAuthenticators)
    .set({ confirmedAt: now, lastUsedStep: result.step, lastUsedAt: now })
    .where(eq(totpAuthenticators.id, row.id));
  await recordAudit(q, ctx.clock, actor, {
    action: "mfa.factor.added",
    target: userTarget(owner),
    details: { type: "totp", factorId, name: row.label },
  });
  return { ok: true, factorId, name: row.label, method: "otp", firstFactor: before.total === 0 };
}
