import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../../platform/audit/schema.ts";
import { linkIn } from "../../test-support/smtp-sink.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { users } from "../directory/schema.ts";
import { canonicalEmail } from "./email-address.ts";
import { totpAuthenticators } from "./factors/schema.ts";
import { authThrottles, sessions } from "./schema.ts";
import { hashToken } from "./session-service.ts";
import { SIGN_IN_REFUSED } from "./sign-in.ts";
import { type Browser, call, createActiveUser, newBrowser } from "./test-helpers.ts";
import { THROTTLE } from "./throttle.ts";

function tokenOf(link: string): string {
  return new URL(link).hash.replace(/^#token=/, "");
}

describe(`sign-in (${testDatabaseKind()})`, () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext();
  });
  after(() => t.close());

  test("the password step yields stage 'enrol' for a user without a factor, in a __Host- cookie", async () => {
    const u = await createActiveUser(t);
    const b = newBrowser();
    const res = await call(t, b, "POST", "/api/auth/sign-in", { email: u.email, password: u.password });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.stage, "enrol");
    assert.equal(body.next, "enrol");
    assert.equal(body.enrolment, "must-enrol");
    const setCookie = String(res.headers["set-cookie"]);
    assert.match(setCookie, /^__Host-loupe_session=/);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; Secure/);
    assert.match(setCookie, /; SameSite=Lax/);
    assert.match(setCookie, /; Path=\//);
    assert.doesNotMatch(setCookie, /Domain=/i);
    // 256 random bits (ASVS 7.2.3 asks at least 128), and the database holds only their hash
    assert.equal(Buffer.from(b.cookie!, "base64url").length, 32);
    const [row] = await t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, hashToken(b.cookie!)));
    assert.ok(row);
    const raw = await t.database.db.select().from(sessions).where(eq(sessions.id, b.cookie!));
    assert.equal(raw.length, 0);
    // an enrol-stage session reaches nothing that needs a full session
    const list = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(list.statusCode, 403);
    assert.equal(list.json().error.code, "MFA_ENROLMENT_REQUIRED");
  });

  test("a user with a second factor gets stage 'password': no full session without it", async () => {
    const u = await createActiveUser(t);
    await addConfirmedTotp(t, u.id);
    const b = newBrowser();
    const res = await call(t, b, "POST", "/api/auth/sign-in", { email: u.email, password: u.password });
    assert.equal(res.json().stage, "password");
    assert.deepEqual(res.json().factorTypes, ["totp"]);
    const list = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(list.statusCode, 401);
    assert.equal(list.json().error.code, "MFA_REQUIRED");
  });

  test("a session id from before sign-in is dead after it", async () => {
    const u = await createActiveUser(t);
    const b = newBrowser();
    await call(t, b, "POST", "/api/auth/sign-in", { email: u.email, password: u.password });
    const before = b.cookie!;
    await call(t, b, "POST", "/api/auth/sign-in", { email: u.email, password: u.password });
    assert.notEqual(b.cookie, before);
    const old: Browser = { cookie: before, csrf: "x" };
    const state = await call(t, old, "GET", "/api/auth/session");
    assert.equal(state.json().authenticated, false);
    assert.equal(state.json().ended, "ended");
    const [row] = await t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, hashToken(before)));
    assert.ok(row.revokedAt);
    assert.equal(row.revokedReason, "replaced_by_sign_in");
  });

  test("unknown and known emails get identical refusals", async () => {
    const u = await createActiveUser(t);
    const known = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: "wrong password 123",
    });
    const unknown = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: "nobody-here@studio.example",
      password: "wrong password 123",
    });
    assert.equal(known.statusCode, 401);
    assert.equal(unknown.statusCode, known.statusCode);
    assert.equal(unknown.body, known.body);
    assert.equal(known.json().error.message, SIGN_IN_REFUSED);
    const strip = (h: Record<string, unknown>) => {
      const { date: _d, "content-length": _l, ...rest } = h;
      return rest;
    };
    assert.deepEqual(strip(unknown.headers), strip(known.headers));
    // the audit log knows the real reasons
    const reasons = await t.database.db
      .select({ reason: auditEvents.reason })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.sign_in"), eq(auditEvents.outcome, "failure")));
    assert.ok(reasons.some((r) => r.reason === "unknown_account"));
    assert.ok(reasons.some((r) => r.reason === "wrong_password"));
  });

  test("suspended, deactivated and invited accounts are refused with the same message; the audit has why", async () => {
    const u = await createActiveUser(t);
    await t.database.db.update(users).set({ status: "suspended" }).where(eq(users.id, u.id));
    const res = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: u.password,
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.message, SIGN_IN_REFUSED);
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, u.id), eq(auditEvents.action, "identity.sign_in")));
    assert.equal(audit.reason, "account_suspended");
    assert.equal(audit.outcome, "failure");
  });

  test("throttling: delays after 5 failures (429 + Retry-After), no lock-out once the attacker stops", async () => {
    const u = await createActiveUser(t);
    for (let i = 0; i < THROTTLE.accountFree; i++) {
      const r = await call(t, newBrowser("10.0.0.1"), "POST", "/api/auth/sign-in", {
        email: u.email,
        password: `guess number ${i}`,
      });
      assert.equal(r.statusCode, 401);
    }
    const blocked = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: u.password,
    });
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.headers["retry-after"], "1");
    assert.equal(blocked.json().error.code, "TOO_MANY_ATTEMPTS");
    // the same for an account that does not exist: the throttle does not reveal existence
    const ghost = "ghost-person@studio.example";
    for (let i = 0; i < THROTTLE.accountFree; i++) {
      await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
        email: ghost,
        password: `guess number ${i}`,
      });
    }
    const ghostBlocked = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: ghost,
      password: "x".repeat(12),
    });
    assert.equal(ghostBlocked.statusCode, 429);
    assert.equal(ghostBlocked.headers["retry-after"], "1");

    // the delay doubles with each further failure
    t.clock.advance(1000);
    await call(t, newBrowser(), "POST", "/api/auth/sign-in", { email: u.email, password: "another guess!" });
    const longer = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: u.password,
    });
    assert.equal(longer.statusCode, 429);
    assert.equal(longer.headers["retry-after"], "2");

    // once the attacker stops and the delay passes, the person signs in, which resets the count
    t.clock.advance(2000);
    const ok = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: u.password,
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const again = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: "one wrong guess",
    });
    assert.equal(again.statusCode, 401, "the counter was reset by the success");
  });

  test("a parallel burst of guesses gets exactly the free attempts, not one more (check and count are atomic)", async () => {
    const u = await createActiveUser(t);
    const burst = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        call(t, newBrowser(`10.9.0.${i + 1}`), "POST", "/api/auth/sign-in", {
          email: u.email,
          password: `parallel guess ${i}`,
        }),
      ),
    );
    const codes = burst.map((r) => r.statusCode);
    assert.equal(codes.filter((c) => c === 401).length, THROTTLE.accountFree, codes.join(" "));
    assert.equal(codes.filter((c) => c === 429).length, 16 - THROTTLE.accountFree, codes.join(" "));
    const [row] = await t.database.db
      .select()
      .from(authThrottles)
      .where(eq(authThrottles.key, `pwd:acct:${canonicalEmail(u.email)}`));
    assert.equal(row.failures, THROTTLE.accountFree, "refused attempts are not counted");
  });

  test("the per-address limit is separate: one address guessing many accounts is slowed, others are not", async () => {
    // spread guesses over many accounts so no account limit engages
    const sprayer = "10.66.0.1";
    for (let i = 0; i < THROTTLE.addressFree; i++) {
      const r = await call(t, newBrowser(sprayer), "POST", "/api/auth/sign-in", {
        email: `spray${i}@studio.example`,
        password: "Spring2026 is here",
      });
      assert.equal(r.statusCode, 401);
    }
    const fresh = await createActiveUser(t);
    const fromSameAddress = await call(t, newBrowser(sprayer), "POST", "/api/auth/sign-in", {
      email: fresh.email,
      password: fresh.password,
    });
    assert.equal(fromSameAddress.statusCode, 429, "the address is in its delay");
    const fromElsewhere = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-in",
      remoteAddress: "10.9.8.7",
      headers: { "x-csrf-token": "x" },
      payload: { email: fresh.email, password: fresh.password },
    });
    assert.equal(fromElsewhere.statusCode, 200, "the account itself is not throttled");
    t.clock.advance(THROTTLE.addressDecayMs);
  });

  test("after 100 consecutive failures the account needs a password reset (NIST cap); the reset lifts it", async () => {
    const u = await createActiveUser(t);
    for (let i = 0; i < THROTTLE.accountHardCap; i++) {
      // skip the delays: this test is about the cap, the delays are tested above
      t.clock.advance(THROTTLE.maxDelayMs);
      const r = await t.app.inject({
        method: "POST",
        url: "/api/auth/sign-in",
        remoteAddress: `10.1.${Math.floor(i / 200)}.${i % 200}`,
        headers: { "x-csrf-token": "x" },
        payload: { email: u.email, password: `wrong guess ${i}` },
      });
      assert.equal(r.statusCode, 401, `attempt ${i}`);
    }
    t.clock.advance(THROTTLE.maxDelayMs);
    const capped = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: u.password,
    });
    assert.equal(capped.statusCode, 429);
    assert.equal(capped.json().error.details.hardLimit, true);

    await call(t, newBrowser(), "POST", "/api/auth/password-reset/request", { email: u.email });
    const mail = await t.smtp.waitFor(u.email, /Reset/);
    const done = await call(t, newBrowser(), "POST", "/api/auth/password-reset/complete", {
      token: tokenOf(linkIn(mail)),
      password: "a brand new sentence for me",
    });
    assert.equal(done.statusCode, 200, done.body);
    const ok = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: "a brand new sentence for me",
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test("password reset does not bypass MFA: after it, sign-in still owes the second factor", async () => {
    const u = await createActiveUser(t);
    await addConfirmedTotp(t, u.id);
    const open = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: u.password,
    });
    const openCookie = open.cookies.find((c) => c.name === "__Host-loupe_session")!.value;

    const req = await call(t, newBrowser(), "POST", "/api/auth/password-reset/request", { email: u.email });
    assert.equal(req.statusCode, 200);
    const mail = await t.smtp.waitFor(u.email, /Reset/);
    const token = tokenOf(linkIn(mail));
    const b = newBrowser();
    const done = await call(t, b, "POST", "/api/auth/password-reset/complete", {
      token,
      password: "completely different words",
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(b.cookie, null, "a reset signs nobody in");
    await t.smtp.waitFor(u.email, /password was changed/);
    // the link works once
    const replay = await call(t, newBrowser(), "POST", "/api/auth/password-reset/complete", {
      token,
      password: "yet another fine sentence",
    });
    assert.equal(replay.statusCode, 410);
    // sessions open before the reset are dead
    const stale = await call(t, { cookie: openCookie, csrf: "x" }, "GET", "/api/auth/session");
    assert.equal(stale.json().authenticated, false);
    // the factor is still there and still owed
    const signIn = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
      email: u.email,
      password: "completely different words",
    });
    assert.equal(signIn.statusCode, 200);
    assert.equal(signIn.json().stage, "password");
    assert.equal(signIn.json().next, "second-factor");
  });

  test("reset requests are throttled per address asked for, known or not (no mail flood)", async () => {
    const u = await createActiveUser(t);
    for (const email of [u.email, "nobody.at.all@studio.example"]) {
      for (let i = 0; i < THROTTLE.accountFree; i++) {
        const r = await call(t, newBrowser("10.77.0.1"), "POST", "/api/auth/password-reset/request", {
          email,
        });
        assert.equal(r.statusCode, 200);
      }
      const r = await call(t, newBrowser("10.77.0.2"), "POST", "/api/auth/password-reset/request", { email });
      assert.equal(r.statusCode, 429, email);
    }
    const resets = () => t.smtp.mailTo(u.email).filter((m) => /Reset/.test(m.subject)).length;
    for (let waited = 0; resets() < THROTTLE.accountFree && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200)); // and no sixth one arrives
    assert.equal(resets(), THROTTLE.accountFree);
    t.clock.advance(THROTTLE.maxDelayMs);
  });

  test("a reset request answers the same for unknown addresses and expires after 45 minutes", async () => {
    const u = await createActiveUser(t);
    const known = await call(t, newBrowser(), "POST", "/api/auth/password-reset/request", { email: u.email });
    const unknown = await call(t, newBrowser(), "POST", "/api/auth/password-reset/request", {
      email: "not-a-person@studio.example",
    });
    assert.equal(known.statusCode, 200);
    assert.equal(known.body, unknown.body);
    const mail = await t.smtp.waitFor(u.email, /Reset/);
    t.clock.advance(46 * 60_000);
    const late = await call(t, newBrowser(), "POST", "/api/auth/password-reset/complete", {
      token: tokenOf(linkIn(mail)),
      password: "completely different words",
    });
    assert.equal(late.statusCode, 410);
    assert.match(late.json().error.message, /expired/);
  });
});

async function addConfirmedTotp(t: TestContext, userId: string): Promise<void> {
  await t.database.db.insert(totpAuthenticators).values({
    id: crypto.randomUUID(),
    userId,
    label: "Test authenticator",
    secretSealed: "sealed-not-used-here",
    digits: 6,
    period: 30,
    algorithm: "SHA1",
    createdAt: t.clock.now(),
    confirmedAt: t.clock.now(),
  });
}
