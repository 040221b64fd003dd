import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { DAY, HOUR, MINUTE } from "../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { issueEmailToken } from "./email-tokens.ts";
import { purgeDeadIdentityState, RETENTION } from "./housekeeping.ts";
import { authThrottles, emailTokens, sessions } from "./schema.ts";
import { hashToken, revokeSessions } from "./session-service.ts";
import { browserWithSession, call, createActiveUser } from "./test-helpers.ts";
import { THROTTLE } from "./throttle.ts";

describe(`identity housekeeping (${testDatabaseKind()})`, () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext();
  });
  after(() => t.close());

  const sessionIds = async () =>
    (await t.database.db.select({ id: sessions.id }).from(sessions)).map((r) => r.id);
  const throttleKeys = async () =>
    (await t.database.db.select({ key: authThrottles.key }).from(authThrottles)).map((r) => r.key).sort();

  test("ended sessions, expired links and stale counters go after their retention; live ones stay", async () => {
    const user = await createActiveUser(t);
    const live = await browserWithSession(t, user.id);
    const ended = await browserWithSession(t, user.id);
    await t.database.db.transaction((tx) =>
      revokeSessions(tx, t, user.id, hashToken(live.cookie!), "revoked"),
    );
    const token = await issueEmailToken(t.database.db, t.clock, "password_reset", user.id, HOUR);
    const counter = (key: string, failures: number) => ({ key, failures, lastFailureAt: t.clock.now() });
    await t.database.db
      .insert(authThrottles)
      .values([
        counter("mfa:acct:capped-user", THROTTLE.accountHardCap),
        counter("pwd:acct:someone@example.com", 1),
        counter("pwd:ip:192.0.2.7", 1),
      ]);
    const before = { sessions: await sessionIds(), keys: await throttleKeys() };
    assert.equal(before.sessions.length >= 2, true);

    // nothing is old enough yet
    assert.deepEqual(await purgeDeadIdentityState(t), { sessions: 0, tokens: 0, throttles: 0 });

    // after the address decay the address counter goes, the account counters stay
    t.clock.advance(THROTTLE.addressDecayMs + MINUTE);
    assert.deepEqual(await purgeDeadIdentityState(t), { sessions: 0, tokens: 0, throttles: 1 });
    assert.deepEqual(await throttleKeys(), ["mfa:acct:capped-user", "pwd:acct:someone@example.com"]);

    // 30 days on: the revoked and the expired sessions, the expired link and the quiet counter go;
    // the capped counter stays until a Studio Admin clears it
    t.clock.advance(RETENTION.endedSessionsMs + DAY);
    const purged = await purgeDeadIdentityState(t);
    assert.equal(purged.tokens, 1);
    assert.equal(purged.throttles, 1);
    assert.ok(purged.sessions >= 2, `purged ${purged.sessions} sessions`);
    assert.deepEqual(await throttleKeys(), ["mfa:acct:capped-user"]);
    const rows = await t.database.db.select().from(emailTokens).where(eq(emailTokens.userId, user.id));
    assert.equal(rows.length, 0, `token ${token.slice(0, 4)}... purged`);
    assert.equal((await sessionIds()).includes(hashToken(ended.cookie!)), false);
    assert.deepEqual(await purgeDeadIdentityState(t), { sessions: 0, tokens: 0, throttles: 0 }, "idempotent");
  });

  test("a session in use is never purged: a fresh sign-in survives any number of runs", async () => {
    const user = await createActiveUser(t);
    const b = await browserWithSession(t, user.id);
    await purgeDeadIdentityState(t);
    assert.equal((await call(t, b, "GET", "/api/auth/session")).statusCode, 200);
  });
});
