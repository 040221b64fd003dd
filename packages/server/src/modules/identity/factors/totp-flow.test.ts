import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../../../platform/audit/schema.ts";
import { MINUTE } from "../../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../../test-support/test-context.ts";
import { testDatabaseKind } from "../../../test-support/test-database.ts";
import { type Browser, browserWithSession, call, createActiveUser, newBrowser } from "../test-helpers.ts";
import { THROTTLE } from "../throttle.ts";
import { totpAuthenticators } from "./schema.ts";
import { enrolTotp, passwordStep, signedInWithPassword, totpCode } from "./test-support/helpers.ts";

describe(`TOTP enrolment, sign-in and management over HTTP (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let user: { id: string; email: string; password: string };
  let browser: Browser;
  let first: { id: string; secret: string };
  before(async () => {
    t = await createTestContext();
  });
  after(() => t.close());

  test("the OpenAPI document describes the factor routes", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json();
    for (const path of [
      "/api/factors",
      "/api/factors/totp",
      "/api/factors/totp/confirm",
      "/api/factors/oath/claim",
      "/api/factors/webauthn/options",
      "/api/factors/webauthn/verify",
      "/api/factors/{id}",
      "/api/factors/recovery-codes",
      "/api/auth/mfa/otp",
      "/api/auth/mfa/recovery-code",
      "/api/auth/mfa/webauthn/options",
      "/api/auth/mfa/webauthn/verify",
      "/api/auth/step-up/otp",
      "/api/oath-tokens/import",
      "/api/users/{id}/reset-factors",
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.paths["/api/auth/mfa/otp"].post.summary);
  });

  test("enrolment is refused without a password-proven session, and at stage password", async () => {
    const anonymous = await call(t, newBrowser(), "POST", "/api/factors/totp", { label: "x" });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, "UNAUTHENTICATED");
    const webauthn = await call(t, newBrowser(), "POST", "/api/factors/webauthn/options", {});
    assert.equal(webauthn.statusCode, 401);
    // a user who holds a factor and only proved the password may not add one (Keycloak #21837)
    const holder = await createActiveUser(t);
    const b = await browserWithSession(t, holder.id, "enrol");
    assert.equal((await enrolTotp(t, b)).confirm.statusCode, 200);
    const passwordOnly = await passwordStep(t, holder);
    const refused = await call(t, passwordOnly, "POST", "/api/factors/totp", { label: "attacker" });
    assert.equal(refused.statusCode, 403);
    const claim = await call(t, passwordOnly, "POST", "/api/factors/oath/claim", {
      serial: "X1",
      code: "123456",
    });
    assert.equal(claim.statusCode, 403);
  });

  test("first factor: QR code and typed secret; confirmation completes and rotates the session, with recovery codes", async () => {
    const signed = await signedInWithPassword(t, { roles: ["studio_admin"] });
    user = signed.user;
    browser = signed.browser;
    assert.equal(signed.stage, "enrol");
    const start = await call(t, browser, "POST", "/api/factors/totp", { label: "Laptop app" });
    assert.equal(start.statusCode, 200, start.body);
    const s = start.json();
    assert.match(s.qrCodeDataUrl, /^data:image\/svg\+xml;base64,/);
    assert.match(Buffer.from(s.qrCodeDataUrl.split(",")[1], "base64").toString(), /<svg/);
    assert.match(s.otpauthUri, new RegExp(`^otpauth://totp/Loupe:.*secret=${s.secret}`));
    assert.equal(s.secretGrouped.replace(/ /g, ""), s.secret);
    assert.equal(s.secret.length, 32, "160-bit seed");
    // the seed is sealed at rest: the database never holds it in clear
    const [row] = await t.database.db
      .select()
      .from(totpAuthenticators)
      .where(eq(totpAuthenticators.id, s.id));
    assert.ok(!row.secretSealed.includes(s.secret));

    const wrong = await call(t, browser, "POST", "/api/factors/totp/confirm", { id: s.id, code: "000000" });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.details.reason, "wrong_code");
    const listed = await call(t, browser, "GET", "/api/factors");
    assert.equal(listed.json().counts.total, 0, "an unconfirmed app does not count");

    const before = browser.cookie;
    const ok = await call(t, browser, "POST", "/api/factors/totp/confirm", {
      id: s.id,
      code: totpCode(t, s.secret),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const body = ok.json();
    assert.equal(body.session.stage, "complete");
    assert.notEqual(browser.cookie, before, "the session id rotated");
    assert.equal(body.recoveryCodes.length, 10);
    assert.equal(body.urgeSecondFactor, true);
    const old = await call(t, { cookie: before, csrf: "x" }, "GET", "/api/auth/session");
    assert.equal(old.json().authenticated, false);
    const session = (await call(t, browser, "GET", "/api/auth/session")).json();
    assert.deepEqual(session.session.amr, ["pwd", "otp"]);
    first = { id: s.id, secret: s.secret };
    await t.smtp.waitFor(user.email, /factor was added/);
    await t.smtp.waitFor(user.email, /recovery codes/i);
  });

  test("sign-in: the previous step's code is accepted, the next step's refused, a replay refused and audited", async () => {
    t.clock.advance(2 * MINUTE);
    const b = await passwordStep(t, user);
    const future = await call(t, b, "POST", "/api/auth/mfa/otp", { code: totpCode(t, first.secret, +1) });
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().error.details.reason, "wrong_code");
    const previous = totpCode(t, first.secret, -1);
    const ok = await call(t, b, "POST", "/api/auth/mfa/otp", { code: previous });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().stage, "complete");
    assert.deepEqual(ok.json().amr, ["pwd", "otp"]);

    const again = await passwordStep(t, user);
    const replay = await call(t, again, "POST", "/api/auth/mfa/otp", { code: previous });
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error.details.reason, "replayed");
    const stillPassword = await call(t, again, "GET", "/api/auth/session");
    assert.equal(stillPassword.json().session.stage, "password");
    assert.equal(
      (await call(t, again, "GET", "/api/factors")).statusCode,
      403,
      "the password alone lists nothing",
    );
    const audited = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "mfa.verify"), eq(auditEvents.reason, "replayed")));
    assert.equal(audited.length, 1);
    assert.equal(audited[0].targetId, user.id);
    const told = await t.smtp.waitFor(user.email, /sign-in to your Loupe account was refused/);
    assert.match(told.text, /already been used/);
    // the code for the current step (not yet used) still works
    const current = await call(t, again, "POST", "/api/auth/mfa/otp", { code: totpCode(t, first.secret) });
    assert.equal(current.statusCode, 200, current.body);
  });

  test("repeated wrong codes engage the throttle (429) for that account only", async () => {
    const victim = await createActiveUser(t);
    const vb = await browserWithSession(t, victim.id, "enrol");
    const v = await enrolTotp(t, vb);
    const attacker = await passwordStep(t, victim);
    let last = 0;
    for (let i = 0; i <= THROTTLE.accountFree; i++) {
      last = (await call(t, attacker, "POST", "/api/auth/mfa/otp", { code: "111111" })).statusCode;
      if (last === 429) break;
    }
    assert.equal(last, 429);
    const blocked = await call(t, attacker, "POST", "/api/auth/mfa/otp", { code: totpCode(t, v.secret) });
    assert.equal(blocked.statusCode, 429, "even the right code waits out the delay");
    assert.ok(Number(blocked.headers["retry-after"]) >= 1);
    // someone else is not affected
    t.clock.advance(30_000);
    const other = await passwordStep(t, user);
    const fine = await call(t, other, "POST", "/api/auth/mfa/otp", { code: totpCode(t, first.secret) });
    assert.equal(fine.statusCode, 200, fine.body);
    // the delay ends by itself: no lock-out of the real person
    t.clock.advance(THROTTLE.maxDelayMs);
    const later = await call(t, attacker, "POST", "/api/auth/mfa/otp", { code: totpCode(t, v.secret) });
    assert.equal(later.statusCode, 200, later.body);
  });

  test("adding a second factor needs a recent step-up; then it counts and the urge stops", async () => {
    browser = await passwordStep(t, user);
    t.clock.advance(30_000);
    assert.equal(
      (await call(t, browser, "POST", "/api/auth/mfa/otp", { code: totpCode(t, first.secret) })).statusCode,
      200,
    );
    t.clock.advance(11 * MINUTE);
    const stale = await call(t, browser, "POST", "/api/factors/totp", { label: "Desk app" });
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, "STEP_UP_REQUIRED");
    const before = browser.cookie;
    const step = await call(t, browser, "POST", "/api/auth/step-up/otp", { code: totpCode(t, first.secret) });
    assert.equal(step.statusCode, 200, step.body);
    assert.notEqual(browser.cookie, before, "step-up rotates the session");
    const second = await enrolTotp(t, browser, "Desk app");
    assert.equal(second.confirm.statusCode, 200, second.confirm.body);
    assert.equal(second.confirm.json().session, null);
    assert.equal(second.confirm.json().recoveryCodes, null, "recovery codes come with the first factor only");
    assert.equal(second.confirm.json().counts.total, 2);
    assert.equal(second.confirm.json().urgeSecondFactor, false);
    await t.smtp.waitFor(user.email, /factor was added/);
  });

  test("rename; removal needs a step-up, keeps the dated record, mails, and never takes the last factor", async () => {
    const list = (await call(t, browser, "GET", "/api/factors")).json();
    assert.equal(list.factors.length, 2);
    const desk = list.factors.find((f: { name: string }) => f.name === "Desk app");
    const renamed = await call(t, browser, "PATCH", `/api/factors/${desk.id}`, { name: "Desk PC app" });
    assert.equal(renamed.statusCode, 200, renamed.body);

    t.clock.advance(11 * MINUTE);
    const stale = await call(t, browser, "DELETE", `/api/factors/${first.id}`);
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, "STEP_UP_REQUIRED");
    assert.equal((await call(t, browser, "GET", "/api/factors")).json().counts.total, 2, "nothing removed");

    const other = await passwordStep(t, user); // another open session of the same person
    t.clock.advance(30_000);
    const step = await call(t, browser, "POST", "/api/auth/step-up/otp", { code: totpCode(t, first.secret) });
    assert.equal(step.statusCode, 200, step.body);
    const removed = await call(t, browser, "DELETE", `/api/factors/${first.id}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.ok(removed.json().otherSessionsEnded >= 1);
    assert.equal((await call(t, other, "GET", "/api/auth/session")).json().authenticated, false);
    await t.smtp.waitFor(user.email, /factor was removed/);
    const after = (await call(t, browser, "GET", "/api/factors")).json();
    assert.deepEqual(
      after.factors.map((f: { name: string }) => f.name),
      ["Desk PC app"],
    );
    const [kept] = await t.database.db
      .select()
      .from(totpAuthenticators)
      .where(eq(totpAuthenticators.id, first.id));
    assert.ok(kept.revokedAt, "the removed factor stays on record, revoked");

    const last = await call(t, browser, "DELETE", `/api/factors/${desk.id}`);
    assert.equal(last.statusCode, 409);
    assert.match(last.json().error.message, /only sign-in factor/);
  });
});
