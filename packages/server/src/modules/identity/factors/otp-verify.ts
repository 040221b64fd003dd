import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";
import { checkTotp } from "./otp.ts";
import { oathTokens, totpAuthenticators } from "./schema.ts";
import { openSecret } from "./secret-box.ts";
import type { Refusal } from "./verification.ts";

export type OtpMatch =
  | { ok: true; factorId: string; type: "totp" | "oath"; name: string }
  | { ok: false; reason: Refusal };

/**
 * Checks a one-time code against every confirmed TOTP app and hardware token of the user, each
 * with its own digits, period and algorithm. The accepted step is stored in the same transaction
 * (rows locked FOR UPDATE), so the same code presented twice, even concurrently, is accepted once.
 * Does not audit: the caller knows whether this is a sign-in or a step-up.
 */
export async function matchOtpCode(
  q: Queryable,
  ctx: Pick<AppContext, "clock" | "config">,
  userId: string,
  code: string,
): Promise<OtpMatch> {
  const now = ctx.clock.now();
  const [apps, tokens] = await Promise.all([
    q
      .select()
      .from(totpAuthenticators)
      .where(
        and(
          eq(totpAuthenticators.userId, userId),
          isNotNull(totpAuthenticators.confirmedAt),
          isNull(totpAuthenticators.revokedAt),
        ),
      )
      .for("update"),
    q
      .select()
      .from(oathTokens)
      .where(
        and(
          eq(oathTokens.assignedUserId, userId),
          isNotNull(oathTokens.confirmedAt),
          isNull(oathTokens.revokedAt),
        ),
      )
      .for("update"),
  ]);
  if (apps.length + tokens.length === 0) return { ok: false, reason: "no_factor" };
  let replayed = false;
  for (const app of apps) {
    const secret = openSecret(ctx.config.dataDir, app.id, app.secretSealed);
    const r = checkTotp({ ...app, secret }, code, now, app.lastUsedStep);
    if (r.ok) {
      await q
        .update(totpAuthenticators)
        .set({ lastUsedStep: r.step, lastUsedAt: now })
        .where(eq(totpAuthenticators.id, app.id));
      return { ok: true, factorId: app.id, type: "totp", name: app.label };
    }
    replayed ||= r.reason === "replayed";
  }
  for (const token of tokens) {
    const secret = openSecret(ctx.config.dataDir, token.id, token.secretSealed);
    const r = checkTotp({ ...token, secret }, code, now, token.lastUsedStep);
    if (r.ok) {
      await q
        .update(oathTokens)
        .set({ lastUsedStep: r.step, lastUsedAt: now })
        .where(eq(oathTokens.id, token.id));
      return { ok: true, factorId: token.id, type: "oath", name: `Hardware token ${token.serial}` };
    }
    replayed ||= r.reason === "replayed";
  }
  return { ok: false, reason: replayed ? "replayed" : "wrong_code" };
}
