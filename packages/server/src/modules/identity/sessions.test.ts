import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { MINUTE } from "../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { users } from "../directory/schema.ts";
import { deactivateUser, restoreInvitation } from "./account-status.ts";
import { authCacheStats } from "./auth-cache.ts";
import { passwordCredentials, sessions } from "./schema.ts";
import { hashToken, recordStepUp, upgradeSession } from "./session-service.ts";
import { type Browser, browserWithSession, call, createActiveUser } from "./test-helpers.ts";

describe(`sessions (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let admin: { id: string; email: string };
  let adminBrowser: Browser;
  before(async () => {
    t = await createTestContext();
    admin = await createActiveUser(t, { roles: ["studio_admin"] });
    adminBrowser = await browserWithSession(t, admin.id);
  });
  after(() => t.close());

  test("GET /api/auth/session returns the stage and the anti-CSRF token", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    const res = await call(t, b, "GET", "/api/auth/session");
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.authenticated, true);
    assert.equal(body.session.stage, "complete");
    assert.equal(body.csrfToken, b.csrf);
    assert.deepEqual(body.user.roles, ["studio_admin"]);
    const anon = await call(t, { cookie: null, csrf: "" }, "GET", "/api/auth/session");
    assert.equal(anon.json().authenticated, false);
    assert.equal(typeof anon.json().csrfToken, "string");
  });

  test("a deactivated user's open session is refused on its next request", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    const b2 = await browserWithSession(t, u.id);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200);
    const res = await call(t, adminBrowser, "POST", `/api/admin/users/${u.id}/deactivate`, {
      reason: "Left the company (ticket 4411)",
    });
    assert.equal(res.statusCode, 200, res.body);
    const next = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(next.statusCode, 401, "the session was ended with the deactivation");
    const other = await call(t, b2, "GET", "/api/auth/sessions");
    assert.equal(other.statusCode, 401);
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.userId, u.id));
    assert.ok(rows.every((r) => r.revokedAt !== null && r.revokedReason === "account_deactivated"));
  });

  test("a session is refused as soon as its account is not active, even if revocation was missed", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    // a raw status change (no session revocation): loadAuth re-checks the status on every request
    await t.database.db.update(users).set({ status: "suspended" }).where(eq(users.id, u.id));
    const res = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, "ACCOUNT_INACTIVE");
    const state = await call(t, { cookie: b.cookie, csrf: "" }, "GET", "/api/auth/session");
    assert.equal(state.json().authenticated, false);
  });

  test("suspend and reactivate: sessions end at suspension and stay dead after reactivation", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    const s = await call(t, adminBrowser, "POST", `/api/admin/users/${u.id}/suspend`, {
      reason: "Lost laptop",
    });
    assert.equal(s.json().status, "suspended");
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 401);
    const r = await call(t, adminBrowser, "POST", `/api/admin/users/${u.id}/reactivate`, {
      reason: "Laptop found",
    });
    assert.equal(r.json().status, "active");
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 401);
    const signIn = await call(t, { cookie: null, csrf: "x" }, "POST", "/api/auth/sign-in", {
      email: u.email,
      password: "correct horse battery staple",
    });
    assert.equal(signIn.statusCode, 200);
  });

  test("deactivateUser (for governance) ends sessions in the caller's transaction", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    await t.database.db.transaction((tx) => deactivateUser(tx, t, u.id, { userId: admin.id }, "Staff exit"));
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 401);
  });

  test("an invitation ended before acceptance is restored as an invitation, not as an active account", async () => {
    const u = await createActiveUser(t);
    await t.database.db.update(users).set({ status: "invited" }).where(eq(users.id, u.id));
    const actor = { userId: admin.id };
    await t.database.db.transaction((tx) => deactivateUser(tx, t, u.id, actor, "Audit: not reviewed"));
    await t.database.db.transaction((tx) => restoreInvitation(tx, t, u.id, actor, "Audit: kept"));
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    assert.equal(row.status, "invited");
    // only from an ended state: an invited account cannot be "restored" again
    await assert.rejects(
      t.database.db.transaction((tx) => restoreInvitation(tx, t, u.id, actor, "again")),
      (e: Error & { code?: string }) => e.code === "CONFLICT",
    );
  });

  test("idle timeout: 30 minutes without a request ends the session", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    t.clock.advance(29 * MINUTE);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200);
    t.clock.advance(29 * MINUTE);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, "activity extends it");
    t.clock.advance(30 * MINUTE);
    const res = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, "SESSION_EXPIRED");
    // and it stays dead even if the clock were to go back (revoked, not merely stale)
    t.clock.advance(-30 * MINUTE);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 401);
    t.clock.advance(30 * MINUTE);
  });

  test("absolute timeout: 12 hours after sign-in the session ends however active", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    for (let h = 0; h < 11; h++) {
      t.clock.advance(20 * MINUTE);
      assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200);
      t.clock.advance(20 * MINUTE);
      assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200);
      t.clock.advance(20 * MINUTE);
      assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, `hour ${h + 1}`);
    }
    t.clock.advance(29 * MINUTE);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, "11 h 29 min");
    t.clock.advance(29 * MINUTE);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, "11 h 58 min");
    t.clock.advance(1 * MINUTE);
    assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, "11 h 59 min");
    t.clock.advance(1 * MINUTE);
    const res = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, "SESSION_EXPIRED");
  });

  test("logout ends the session on the server: replaying the cookie is refused", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    const cookie = b.cookie;
    const out = await call(t, b, "POST", "/api/auth/sign-out", {});
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers["set-cookie"]), /__Host-loupe_session=;/);
    const replay = await call(t, { cookie, csrf: "x" }, "GET", "/api/auth/sessions");
    assert.equal(replay.statusCode, 401);
    const [row] = await t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, hashToken(cookie!)));
    assert.equal(row.revokedReason, "logout");
  });

  test("list, revoke one, and sign out everywhere else", async () => {
    const u = await createActiveUser(t);
    const here = await browserWithSession(t, u.id);
    const laptop = await browserWithSession(t, u.id);
    const tablet = await browserWithSession(t, u.id);
    const list = await call(t, here, "GET", "/api/auth/sessions");
    assert.equal(list.json().sessions.length, 3);
    assert.equal(list.json().sessions.filter((s: { current: boolean }) => s.current).length, 1);
    const laptopId = hashToken(laptop.cookie!);
    const del = await call(t, here, "DELETE", `/api/auth/sessions/${laptopId}`);
    assert.equal(del.statusCode, 200);
    assert.equal((await call(t, laptop, "GET", "/api/auth/sessions")).statusCode, 401);
    // someone else's session id is not found for me
    const other = await createActiveUser(t);
    const theirs = await browserWithSession(t, other.id);
    const steal = await call(t, here, "DELETE", `/api/auth/sessions/${hashToken(theirs.cookie!)}`);
    assert.equal(steal.statusCode, 404);
    assert.equal((await call(t, theirs, "GET", "/api/auth/sessions")).statusCode, 200);

    const all = await call(t, here, "POST", "/api/auth/sessions/sign-out-everywhere", {
      includeCurrent: false,
    });
    assert.equal(all.json().ended, 1);
    assert.equal((await call(t, tablet, "GET", "/api/auth/sessions")).statusCode, 401);
    assert.equal((await call(t, here, "GET", "/api/auth/sessions")).statusCode, 200);
    const everything = await call(t, here, "POST", "/api/auth/sessions/sign-out-everywhere", {
      includeCurrent: true,
    });
    assert.equal(everything.json().ended, 1);
    assert.equal((await call(t, here, "GET", "/api/auth/sessions")).statusCode, 401);
  });

  test("upgrade and step-up rotate the session id; the old token dies", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id, "password");
    const upgraded = await upgradeSession(t.database.db, t, hashToken(b.cookie!), "otp");
    assert.equal((await call(t, b, "GET", "/api/auth/session")).json().authenticated, false);
    const nb: Browser = { cookie: upgraded.token, csrf: upgraded.csrfToken };
    const state = (await call(t, nb, "GET", "/api/auth/session")).json();
    assert.equal(state.session.stage, "complete");
    assert.deepEqual(state.session.amr, ["pwd", "otp"]);
    t.clock.advance(20 * MINUTE);
    const stepped = await recordStepUp(t.database.db, t, upgraded.id, "hwk");
    assert.equal((await call(t, nb, "GET", "/api/auth/session")).json().authenticated, false);
    const sb: Browser = { cookie: stepped.token, csrf: stepped.csrfToken };
    const after = (await call(t, sb, "GET", "/api/auth/session")).json();
    assert.deepEqual(after.session.amr, ["pwd", "otp", "hwk"]);
    assert.equal(new Date(after.session.stepUpAt).getTime(), t.clock.now().getTime());
  });

  test("changing the password needs a recent step-up and the current password; others are signed out", async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    const other = await browserWithSession(t, u.id);
    t.clock.advance(11 * MINUTE);
    const stale = await call(t, b, "POST", "/api/auth/password/change", {
      currentPassword: u.password,
      newPassword: "a fresh and long passphrase",
    });
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, "STEP_UP_REQUIRED");
    const stepped = await recordStepUp(t.database.db, t, hashToken(b.cookie!), "otp");
    const sb: Browser = { cookie: stepped.token, csrf: stepped.csrfToken };
    const wrong = await call(t, sb, "POST", "/api/auth/password/change", {
      currentPassword: "not my password at all",
      newPassword: "a fresh and long passphrase",
    });
    assert.equal(wrong.statusCode, 400);
    const [beforeRow] = await t.database.db
      .select()
      .from(passwordCredentials)
      .where(eq(passwordCredentials.userId, u.id));
    const ok = await call(t, sb, "POST", "/api/auth/password/change", {
      currentPassword: u.password,
      newPassword: "a fresh and long passphrase",
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().otherSessionsEnded, 1);
    const [afterRow] = await t.database.db
      .select()
      .from(passwordCredentials)
      .where(eq(passwordCredentials.userId, u.id));
    assert.notEqual(afterRow.hash, beforeRow.hash);
    assert.equal((await call(t, other, "GET", "/api/auth/sessions")).statusCode, 401);
    assert.equal((await call(t, sb, "GET", "/api/auth/sessions")).statusCode, 200);
    await t.smtp.waitFor(u.email, /password was changed/);
  });

  test("embedded mode: repeated reads hit the auth cache, and any write makes the next request re-read", {
    skip: testDatabaseKind() !== "pglite" && "the cache exists only on PGlite",
  }, async () => {
    const u = await createActiveUser(t);
    const b = await browserWithSession(t, u.id);
    await call(t, b, "GET", "/api/auth/session");
    const before = { ...authCacheStats(t.database.pglite)! };
    for (let i = 0; i < 5; i++)
      assert.equal((await call(t, b, "GET", "/api/auth/session")).json().authenticated, true);
    const after = authCacheStats(t.database.pglite)!;
    assert.equal(after.hits - before.hits, 5, "served from the cache");
    // a raw status change from anywhere (no revocation, no identity code involved) is seen at once
    await t.database.db.update(users).set({ status: "suspended" }).where(eq(users.id, u.id));
    const next = await call(t, b, "GET", "/api/auth/sessions");
    assert.equal(next.statusCode, 403);
    // and a change inside a transaction too
    const v = await createActiveUser(t);
    const vb = await browserWithSession(t, v.id);
    await call(t, vb, "GET", "/api/auth/session");
    await call(t, vb, "GET", "/api/auth/session");
    await t.database.db.transaction(async (tx) => {
      await tx.update(sessions).set({ revokedAt: t.clock.now() }).where(eq(sessions.userId, v.id));
    });
    assert.equal((await call(t, vb, "GET", "/api/auth/session")).json().authenticated, false);
  });

  describe("CSRF", () => {
    test("a state-changing request without the header is refused and changes nothing", async () => {
      const u = await createActiveUser(t);
      const b = await browserWithSession(t, u.id);
      const res = await t.app.inject({
        method: "POST",
        url: "/api/auth/sessions/sign-out-everywhere",
        headers: { cookie: `__Host-loupe_session=${b.cookie}` },
        payload: { includeCurrent: true },
      });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().error.code, "CSRF");
      assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, "session still alive");
    });

    test("a wrong token is refused; the session's own token is accepted", async () => {
      const u = await createActiveUser(t);
      const b = await browserWithSession(t, u.id);
      const wrong = await call(t, { ...b, csrf: "guessed-token" }, "POST", "/api/auth/sign-out", {});
      assert.equal(wrong.statusCode, 403);
      assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200);
      const right = await call(t, b, "POST", "/api/auth/sign-out", {});
      assert.equal(right.statusCode, 200);
    });

    test("a foreign Origin is refused even with the right token; cross-site fetch metadata too", async () => {
      const u = await createActiveUser(t);
      const b = await browserWithSession(t, u.id);
      const foreign = await call(t, b, "POST", "/api/auth/sign-out", {}, { origin: "https://evil.example" });
      assert.equal(foreign.statusCode, 403);
      const crossSite = await call(
        t,
        b,
        "POST",
        "/api/auth/sign-out",
        {},
        { "sec-fetch-site": "cross-site" },
      );
      assert.equal(crossSite.statusCode, 403);
      assert.equal((await call(t, b, "GET", "/api/auth/sessions")).statusCode, 200, "still signed in");
      const ours = await call(t, b, "POST", "/api/auth/sign-out", {}, { origin: "http://localhost:3000" });
      assert.equal(ours.statusCode, 200);
    });

    test("without a session: the header must be present and a foreign Origin is refused", async () => {
      const u = await createActiveUser(t);
      const noHeader = await t.app.inject({
        method: "POST",
        url: "/api/auth/sign-in",
        payload: { email: u.email, password: u.password },
      });
      assert.equal(noHeader.statusCode, 403);
      assert.equal(noHeader.cookies.length, 0, "no session was created");
      const foreign = await t.app.inject({
        method: "POST",
        url: "/api/auth/sign-in",
        headers: { "x-csrf-token": "1", origin: "https://evil.example" },
        payload: { email: u.email, password: u.password },
      });
      assert.equal(foreign.statusCode, 403);
      const ok = await t.app.inject({
        method: "POST",
        url: "/api/auth/sign-in",
        headers: { "x-csrf-token": "1", origin: "http://localhost:3000" },
        payload: { email: u.email, password: u.password },
      });
      assert.equal(ok.statusCode, 200);
    });
  });
});
