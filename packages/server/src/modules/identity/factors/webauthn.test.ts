import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../../../platform/audit/schema.ts";
import { MINUTE } from "../../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../../test-support/test-context.ts";
import { testDatabaseKind } from "../../../test-support/test-database.ts";
import { type Browser, call } from "../test-helpers.ts";
import { purgeStaleFactorState } from "./cleanup-task.ts";
import { webauthnCredentials } from "./schema.ts";
import { passwordStep, signedInWithPassword } from "./test-support/helpers.ts";
import { SoftAuthenticator } from "./test-support/soft-authenticator.ts";

describe(`WebAuthn security keys and passkeys, with a software authenticator (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let user: { id: string; email: string; password: string };
  let browser: Browser;
  let key: SoftAuthenticator;
  const origin = "http://localhost:3000";

  before(async () => {
    t = await createTestContext();
  });
  after(() => t.close());

  async function register(
    b: Browser,
    authenticator: SoftAuthenticator,
    name: string,
    o: { uv?: boolean } = {},
  ) {
    const opts = await call(t, b, "POST", "/api/factors/webauthn/options", { name });
    assert.equal(opts.statusCode, 200, opts.body);
    return {
      options: opts.json().options,
      res: await call(t, b, "POST", "/api/factors/webauthn/verify", {
        name,
        response: authenticator.register(opts.json().options, o),
      }),
    };
  }

  async function signInWithKey(
    authenticator: SoftAuthenticator,
    o: Parameters<SoftAuthenticator["assert"]>[1] = {},
  ) {
    const b = await passwordStep(t, user);
    const opts = await call(t, b, "POST", "/api/auth/mfa/webauthn/options");
    assert.equal(opts.statusCode, 200, opts.body);
    const response = authenticator.assert(opts.json().options, o);
    const res = await call(t, b, "POST", "/api/auth/mfa/webauthn/verify", { response });
    return { b, res, response, options: opts.json().options };
  }

  test("register a security key (UV required, 32-byte challenge), then sign in with it as a hardware key", async () => {
    const signed = await signedInWithPassword(t);
    user = signed.user;
    browser = signed.browser;
    key = new SoftAuthenticator({ origin });
    const { options, res } = await register(browser, key, "Blue YubiKey");
    assert.equal(options.rp.id, "localhost");
    assert.equal(options.authenticatorSelection.userVerification, "required");
    assert.ok(Buffer.from(options.challenge, "base64url").length >= 32, "challenge of at least 256 bits");
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().amr, "hwk");
    assert.equal(res.json().session.stage, "complete");
    assert.equal(res.json().recoveryCodes.length, 10);
    await t.smtp.waitFor(user.email, /factor was added/);

    const signIn = await signInWithKey(key);
    assert.equal(signIn.res.statusCode, 200, signIn.res.body);
    assert.deepEqual(signIn.res.json().amr, ["pwd", "hwk"]);
    assert.ok(signIn.options.allowCredentials.some((c: { id: string }) => c.id === key.id));
    assert.equal(signIn.options.userVerification, "required");
    const [row] = await t.database.db
      .select()
      .from(webauthnCredentials)
      .where(eq(webauthnCredentials.credentialId, key.id));
    assert.equal(row.counter, 1);
    assert.ok(row.lastUsedAt);
  });

  test("a challenge answers once and lasts 5 minutes", async () => {
    const b = await passwordStep(t, user);
    const opts = (await call(t, b, "POST", "/api/auth/mfa/webauthn/options")).json().options;
    const response = key.assert(opts);
    const ok = await call(t, b, "POST", "/api/auth/mfa/webauthn/verify", { response });
    assert.equal(ok.statusCode, 200, ok.body);
    const b2 = await passwordStep(t, user);
    const replayed = await call(t, b2, "POST", "/api/auth/mfa/webauthn/verify", {
      response: key.assert(opts),
    });
    assert.equal(replayed.statusCode, 400, "the challenge was used, and belongs to another session");
    assert.equal(replayed.json().error.details.reason, "expired");
    const late = (await call(t, b2, "POST", "/api/auth/mfa/webauthn/options")).json().options;
    t.clock.advance(5 * MINUTE + 1000);
    const tooLate = await call(t, b2, "POST", "/api/auth/mfa/webauthn/verify", {
      response: key.assert(late),
    });
    assert.equal(tooLate.statusCode, 400);
    assert.equal(tooLate.json().error.details.reason, "expired");
    // the worker deletes expired challenges
    assert.ok((await purgeStaleFactorState(t)).challenges >= 1);
    assert.equal((await purgeStaleFactorState(t)).challenges, 0);
  });

  test("a signature counter that goes backwards is refused and audited", async () => {
    const [row] = await t.database.db
      .select({ counter: webauthnCredentials.counter })
      .from(webauthnCredentials)
      .where(eq(webauthnCredentials.credentialId, key.id));
    const stored = row.counter;
    assert.ok(stored >= 2);
    const { res } = await signInWithKey(key, { counter: stored - 1 });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.details.reason, "counter_regressed");
    const audited = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "mfa.verify"), eq(auditEvents.reason, "counter_regressed")));
    assert.equal(audited.length, 1);
    const told = await t.smtp.waitFor(user.email, /sign-in to your Loupe account was refused/);
    assert.match(told.text, /counter lower than before/);
    key.counter = stored; // the real key carries on from where it was
    const fine = await signInWithKey(key);
    assert.equal(fine.res.statusCode, 200, fine.res.body);
  });

  test("user verification is required: at registration and at sign-in", async () => {
    const noUv = await signedInWithPassword(t);
    const { res } = await register(
      noUv.browser,
      new SoftAuthenticator({ origin, userVerification: false }),
      "U2F",
    );
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.details.reason, "user_not_verified");
    const counts = (await call(t, noUv.browser, "GET", "/api/factors")).json().counts;
    assert.equal(counts.total, 0);

    const { res: signIn } = await signInWithKey(key, { uv: false });
    assert.equal(signIn.statusCode, 400);
    assert.equal(signIn.json().error.details.reason, "user_not_verified");
  });

  test("one key, one person: a credential already on an account is refused for another", async () => {
    const other = await signedInWithPassword(t);
    const { res } = await register(other.browser, key, "Borrowed key");
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.details.reason, "already_registered");
    // and the browser is told not to register it twice on the same account
    const b = (await signInWithKey(key)).b;
    const opts = (await call(t, b, "POST", "/api/factors/webauthn/options", {})).json().options;
    assert.ok(opts.excludeCredentials.some((c: { id: string }) => c.id === key.id));
  });

  test("a key of another account, or an assertion for another origin, does not sign in", async () => {
    const stranger = new SoftAuthenticator({ origin });
    const other = await signedInWithPassword(t);
    assert.equal((await register(other.browser, stranger, "Their key")).res.statusCode, 200);
    const { res } = await signInWithKey(stranger);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.details.reason, "not_found");
    const phished = await signInWithKey(key, { origin: "http://evil.example" });
    assert.equal(phished.res.statusCode, 400);
    assert.equal(phished.res.json().error.details.reason, "invalid_response");
  });

  test("a passkey as the first factor completes the session with amr swk", async () => {
    const fresh = await signedInWithPassword(t);
    const passkey = new SoftAuthenticator({
      origin,
      synced: true,
      attachment: "platform",
      transports: ["internal"],
    });
    const { res } = await register(fresh.browser, passkey, "Phone-free laptop passkey");
    assert.equal(res.statusCode, 200, res.body);
    const state = (await call(t, fresh.browser, "GET", "/api/auth/session")).json();
    assert.equal(state.session.stage, "complete");
    assert.deepEqual(state.session.amr, ["pwd", "swk"]);
  });

  test("a synced platform passkey is a software key (swk); several keys per person, each named", async () => {
    const { b } = await signInWithKey(key); // signing in with the second factor counts as a fresh step-up
    const passkey = new SoftAuthenticator({
      origin,
      synced: true,
      attachment: "platform",
      transports: ["internal", "hybrid"],
    });
    const { res } = await register(b, passkey, "Laptop passkey");
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().amr, "swk");
    assert.equal(res.json().session, null, "not the first factor: no rotation");
    const factors = (await call(t, b, "GET", "/api/factors")).json().factors;
    assert.deepEqual(
      factors.map((f: { name: string; amr: string }) => [f.name, f.amr]),
      [
        ["Blue YubiKey", "hwk"],
        ["Laptop passkey", "swk"],
      ],
    );
    const laptop = factors.find((f: { name: string }) => f.name === "Laptop passkey");
    const renamed = await call(t, b, "PATCH", `/api/factors/${laptop.id}`, { name: "Work laptop passkey" });
    assert.equal(renamed.statusCode, 200, renamed.body);
    const signIn = await signInWithKey(passkey);
    assert.deepEqual(signIn.res.json().amr, ["pwd", "swk"]);
    const names = (await call(t, signIn.b, "GET", "/api/factors"))
      .json()
      .factors.map((f: { name: string }) => f.name);
    assert.deepEqual(names, ["Blue YubiKey", "Work laptop passkey"]);
  });
});
