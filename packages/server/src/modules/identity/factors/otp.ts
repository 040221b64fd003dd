import crypto from "node:crypto";
import { HOTP, Secret, TOTP } from "otpauth";
import type { OtpAlgorithm } from "./schema.ts";

/**
 * Time-based one-time passwords (RFC 6238), shared by TOTP apps and hardware OATH tokens.
 *
 * Window policy (ASVS 6.5.5, RFC 6238 §5.2): the code of the current time step is accepted, and
 * the code of the previous step (for the seconds it takes to type it), never a future step. Time
 * comes from the server's clock only (ASVS 6.5.8). A code is accepted once: the caller stores the
 * accepted step, and a code for that step or an earlier one is a replay (ASVS 6.5.1).
 */
export interface OtpParams {
  secret: Uint8Array;
  digits: number;
  period: number;
  algorithm: OtpAlgorithm;
}

export type OtpCheck = { ok: true; step: number } | { ok: false; reason: "wrong_code" | "replayed" };

export function timeStep(now: Date, period: number): number {
  return Math.floor(now.getTime() / 1000 / period);
}

/** the code a token shows at `step` */
export function otpAt(p: OtpParams, step: number): string {
  return HOTP.generate({
    secret: toSecret(p.secret),
    algorithm: p.algorithm,
    digits: p.digits,
    counter: step,
  });
}

export function checkTotp(p: OtpParams, typed: string, now: Date, lastUsedStep: number | null): OtpCheck {
  const code = normaliseCode(typed);
  if (code.length !== p.digits) return { ok: false, reason: "wrong_code" };
  const current = timeStep(now, p.period);
  for (const step of [current, current - 1]) {
    if (!sameCode(otpAt(p, step), code)) continue;
    if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: "replayed" };
    return { ok: true, step };
  }
  return { ok: false, reason: "wrong_code" };
}

/** people type codes with spaces or dashes ("123 456"); only the digits matter */
export function normaliseCode(typed: string): string {
  return typed.replace(/[\s-]/g, "");
}

function sameCode(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function toSecret(bytes: Uint8Array): Secret {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer });
}

/** a new 160-bit seed from the CSPRNG (RFC 4226 §4 recommends 160 bits; ASVS 6.5.3) */
export function newOtpSecret(): Uint8Array {
  return new Uint8Array(crypto.randomBytes(20));
}

export function toBase32(bytes: Uint8Array): string {
  return toSecret(bytes).base32;
}

/** base32 in groups of four, as people copy it into an authenticator by hand */
export function groupBase32(base32: string): string {
  return base32.match(/.{1,4}/g)?.join(" ") ?? "";
}

/** the otpauth:// URI an authenticator app reads from the QR code */
export function otpauthUri(p: OtpParams, issuer: string, account: string): string {
  return new TOTP({
    issuer,
    label: account,
    secret: toSecret(p.secret),
    algorithm: p.algorithm,
    digits: p.digits,
    period: p.period,
  }).toString();
}
