import crypto from "node:crypto";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { and, eq, gt, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import { MINUTE } from "../../../platform/clock.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";
import { countFactors } from "./factor-list.ts";
import { webauthnChallenges, webauthnCredentials } from "./schema.ts";
import type { ConfirmedFactor } from "./totp-service.ts";
import { type Checked, type FactorOwner, type Refusal, refuse, userTarget } from "./verification.ts";

/**
 * Security keys and passkeys (WebAuthn L2 relying-party checks via SimpleWebAuthn): user
 * verification required (PIN or biometric, so the key alone is not enough: AAL2), the relying
 * party is PUBLIC_URL's host name and origin, challenges are 32 random bytes kept server-side,
 * bound to the session, single use and valid for 5 minutes (ASVS 6.7.2). No attestation is asked
 * for, so there is no AAGUID allow-list (Keycloak #28113).
 */
export const CHALLENGE_TTL_MS = 5 * MINUTE;
const RP_NAME = "Loupe";

type ChallengePurpose = "register" | "authenticate";

const rp = (ctx: Pick<AppContext, "config">) => ({
  rpID: ctx.config.publicUrl.hostname,
  origin: ctx.config.publicUrl.origin,
});

async function storeChallenge(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  sessionId: string,
  userId: string,
  purpose: ChallengePurpose,
  challenge: string,
): Promise<void> {
  const now = ctx.clock.now();
  await q.insert(webauthnChallenges).values({
    id: crypto.randomUUID(),
    sessionId,
    userId,
    purpose,
    challenge,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
  });
}

/**
 * Takes the challenge the response signed, if this session was given it for this purpose and it
 * is unused and unexpired. Marks it used whatever happens next: a challenge answers one attempt.
 */
async function takeChallenge(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  sessionId: string,
  purpose: ChallengePurpose,
  clientDataJSON: string,
): Promise<string | null> {
  let challenge: string;
  try {
    challenge = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")).challenge;
  } catch {
    return null;
  }
  if (typeof challenge !== "string") return null;
  const now = ctx.clock.now();
  const [row] = await q
    .update(webauthnChallenges)
    .set({ usedAt: now })
    .where(
      and(
        eq(webauthnChallenges.sessionId, sessionId),
        eq(webauthnChallenges.purpose, purpose),
        eq(webauthnChallenges.challenge, challenge),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning({ challenge: webauthnChallenges.challenge });
  return row?.challenge ?? null;
}

async function liveCredentials(q: Queryable, userId: string) {
  return q
    .select()
    .from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.userId, userId), isNull(webauthnCredentials.revokedAt)));
}

export async function webauthnRegistrationOptions(
  q: Queryable,
  ctx: Pick<AppContext, "clock" | "config">,
  owner: FactorOwner,
  sessionId: string,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await liveCredentials(q, owner.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp(ctx).rpID,
    userName: owner.email,
    userDisplayName: owner.name,
    // the user handle: the account's UUID bytes (opaque, no personal data)
    userID: new Uint8Array(Buffer.from(owner.id.replace(/-/g, ""), "hex")),
    timeout: CHALLENGE_TTL_MS,
    attestationType: "none",
    // the browser refuses to register a key this account already holds
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { userVerification: "required", residentKey: "preferred" },
  });
  await storeChallenge(q, ctx, sessionId, owner.id, "register", options.challenge);
  return options;
}

/** hardware key unless the credential is synced (backup eligible) or lives in the platform */
function amrOf(
  deviceType: "singleDevice" | "multiDevice",
  attachment: string | undefined,
  transports: string[],
): "hwk" | "swk" {
  if (deviceType === "multiDevice" || attachment === "platform") return "swk";
  if (transports.includes("internal") || transports.includes("hybrid")) return "swk";
  return "hwk";
}

function refusalOf(err: unknown): Refusal {
  const message = String((err as Error)?.message ?? err);
  if (/user verification/i.test(message) || /could not be verified/i.test(message))
    return "user_not_verified";
  if (/counter value/i.test(message)) return "counter_regressed";
  return "invalid_response";
}

export async function verifyWebauthnRegistration(
  q: Queryable,
  ctx: AppContext,
  actor: Actor,
  owner: FactorOwner,
  sessionId: string,
  input: { name: string; response: RegistrationResponseJSON },
): Promise<Checked<ConfirmedFactor & { amr: "hwk" | "swk" }>> {
  const action = "mfa.factor.confirm";
  const challenge = await takeChallenge(
    q,
    ctx,
    sessionId,
    "register",
    input.response.response.clientDataJSON,
  );
  if (!challenge) return refuse(q, ctx, actor, owner, action, "expired", { type: "webauthn" });
  let info: NonNullable<Awaited<ReturnType<typeof verifyRegistrationResponse>>["registrationInfo"]>;
  try {
    const result = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp(ctx).origin,
      expectedRPID: rp(ctx).rpID,
      requireUserVerification: true,
    });
    if (!result.verified || !result.registrationInfo) throw new Error("registration not verified");
    info = result.registrationInfo;
  } catch (err) {
    return refuse(q, ctx, actor, owner, action, refusalOf(err), {
      type: "webauthn",
      error: String((err as Error).message).slice(0, 300),
    });
  }
  const credentialId = info.credential.id;
  // one key, one person: a credential id is refused if any account (even a former one) has it
  const [taken] = await q
    .select({ userId: webauthnCredentials.userId })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.credentialId, credentialId));
  if (taken) {
    return refuse(q, ctx, actor, owner, action, "already_registered", {
      type: "webauthn",
      credentialId,
      sameAccount: taken.userId === owner.id,
    });
  }
  const before = await countFactors(q, owner.id);
  const transports = info.credential.transports ?? input.response.response.transports ?? [];
  const amr = amrOf(info.credentialDeviceType, input.response.authenticatorAttachment, transports);
  const id = crypto.randomUUID();
  await q.insert(webauthnCredentials).values({
    id,
    userId: owner.id,
    credentialId,
    publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
    counter: info.credential.counter,
    transports,
    aaguid: info.aaguid,
    name: input.name,
    userVerified: info.userVerified,
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    amr,
    createdAt: ctx.clock.now(),
  });
  await recordAudit(q, ctx.clock, actor, {
    action: "mfa.factor.added",
    target: userTarget(owner),
    details: { type: "webauthn", factorId: id, name: input.name, amr, aaguid: info.aaguid, credentialId },
  });
  return { ok: true, factorId: id, name: input.name, amr, method: amr, firstFactor: before.total === 0 };
}

export async function webauthnAuthenticationOptions(
  q: Queryable,
  ctx: Pick<AppContext, "clock" | "config">,
  userId: string,
  sessionId: string,
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const creds = await liveCredentials(q, userId);
  if (creds.length === 0) return null;
  const options = await generateAuthenticationOptions({
    rpID: rp(ctx).rpID,
    allowCredentials: creds.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: "required",
    timeout: CHALLENGE_TTL_MS,
  });
  await storeChallenge(q, ctx, sessionId, userId, "authenticate", options.challenge);
  return options;
}

export type WebauthnMatch =
  | { ok: true; factorId: string; name: string; amr: "hwk" | "swk" }
  | { ok: false; reason: Refusal; details?: Record<string, unknown> };

/**
 * Verifies an assertion from one of the user's own live credentials and advances its counter. A
 * counter that did not grow (when either side is non-zero) is refused: a sign of a cloned key.
 * Does not audit: the caller knows whether this is a sign-in or a step-up.
 */
export async function matchWebauthnAssertion(
  q: Queryable,
  ctx: Pick<AppContext, "clock" | "config">,
  userId: string,
  sessionId: string,
  response: AuthenticationResponseJSON,
): Promise<WebauthnMatch> {
  const challenge = await takeChallenge(q, ctx, sessionId, "authenticate", response.response.clientDataJSON);
  if (!challenge) return { ok: false, reason: "expired" };
  const [cred] = await q
    .select()
    .from(webauthnCredentials)
    .where(
      and(
        eq(webauthnCredentials.userId, userId),
        eq(webauthnCredentials.credentialId, response.id),
        isNull(webauthnCredentials.revokedAt),
      ),
    )
    .for("update");
  if (!cred) return { ok: false, reason: "not_found", details: { credentialId: response.id } };
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp(ctx).origin,
      expectedRPID: rp(ctx).rpID,
      requireUserVerification: true,
      credential: {
        id: cred.credentialId,
        publicKey: new Uint8Array(Buffer.from(cred.publicKey, "base64url")),
        counter: cred.counter,
        transports: cred.transports as never,
      },
    });
    if (!result.verified) return { ok: false, reason: "invalid_response", details: { factorId: cred.id } };
    await q
      .update(webauthnCredentials)
      .set({
        counter: result.authenticationInfo.newCounter,
        backedUp: result.authenticationInfo.credentialBackedUp,
        lastUsedAt: ctx.clock.now(),
      })
      .where(eq(webauthnCredentials.id, cred.id));
    return { ok: true, factorId: cred.id, name: cred.name, amr: cred.amr };
  } catch (err) {
    return {
      ok: false,
      reason: refusalOf(err),
      details: { factorId: cred.id, error: String((err as Error).message).slice(0, 300) },
    };
  }
}
