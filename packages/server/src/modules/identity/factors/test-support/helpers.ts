import { Secret } from "otpauth";
import type { TestContext } from "../../../../test-support/test-context.ts";
import { type Browser, call, createActiveUser, newBrowser } from "../../test-helpers.ts";
import { otpAt, timeStep } from "../otp.ts";

/** the code an authenticator app holding `base32` shows at the test clock's time (or `offsetSteps` away) */
export function totpCode(t: TestContext, base32: string, offsetSteps = 0, digits = 6, period = 30): string {
  const secret = new Uint8Array(Secret.fromBase32(base32).bytes);
  return otpAt({ secret, digits, period, algorithm: "SHA1" }, timeStep(t.clock.now(), period) + offsetSteps);
}

/** an account signed in with its password only: a browser at stage "enrol" (or "password") */
export async function signedInWithPassword(
  t: TestContext,
  opts: Parameters<typeof createActiveUser>[1] = {},
): Promise<{ user: Awaited<ReturnType<typeof createActiveUser>>; browser: Browser; stage: string }> {
  const user = await createActiveUser(t, opts);
  const browser = newBrowser();
  const res = await call(t, browser, "POST", "/api/auth/sign-in", {
    email: user.email,
    password: user.password,
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  return { user, browser, stage: res.json().stage };
}

/** sign in again with the password: a fresh browser at stage "password" for a user with factors */
export async function passwordStep(
  t: TestContext,
  user: { email: string; password: string },
): Promise<Browser> {
  const browser = newBrowser();
  const res = await call(t, browser, "POST", "/api/auth/sign-in", {
    email: user.email,
    password: user.password,
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  return browser;
}

/**
 * Enrols a TOTP app through the API for a browser allowed to enrol; returns its base32 secret and
 * the confirm response. Advances the clock one step first so no earlier code is replayed.
 */
export async function enrolTotp(t: TestContext, b: Browser, label = "Laptop app") {
  const start = await call(t, b, "POST", "/api/factors/totp", { label });
  if (start.statusCode !== 200) throw new Error(`totp start: ${start.statusCode} ${start.body}`);
  const { id, secret } = start.json();
  const confirm = await call(t, b, "POST", "/api/factors/totp/confirm", { id, code: totpCode(t, secret) });
  return { id: id as string, secret: secret as string, confirm };
}
