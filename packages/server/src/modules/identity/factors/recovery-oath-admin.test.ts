import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { auditEvents } from "../../../platform/audit/schema.ts";
import { MINUTE } from "../../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../../test-support/test-context.ts";
import { testDatabaseKind } from "../../../test-support/test-database.ts";
import { type Browser, browserWithSession, call, createActiveUser } from "../test-helpers.ts";
import { otpAt, timeStep } from "./otp.ts";
import { recoveryCodes } from "./schema.ts";
import { enrolTotp, passwordStep, signedInWithPassword, totpCode } from "./test-support/helpers.ts";

const RFC_SEED = "12345678901234567890";
const SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SEED_HEX = Buffer.from(RFC_SEED).toString("hex");

describe(`recovery codes, hardware OATH tokens and admin reset (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let admin: { id: string; email: string; password: string };
  let adminSecret: string;
  let adminBrowser: Browser;
  let person: { id: string; email: string; password: string };
  let codes: string[];

  /** the code a token with the RFC seed shows now */
  const tokenCode = (digits: number, period: number, algorithm: "SHA1" | "SHA256", offsetSteps = 0) =>
    otpAt(
      { secret: new TextEncoder().encode(RFC_SEED), digits, period, algorithm },
      timeStep(t.clock.now(), period) + offsetSteps,
    );

  /** a fresh admin session with a fresh step-up (signed in with the admin's TOTP) */
  async function adminSignIn(): Promise<Browser> {
    t.clock.advance(30_000);
    const b = await passwordStep(t, admin);
    const res = await call(t, b, "POST", "/api/auth/mfa/otp", { code: totpCode(t, adminSecret) });
    assert.equal(res.statusCode, 200, res.body);
    return b;
  }

  before(async () => {
    t = await createTestContext();
    admin = await createActiveUser(t, { roles: ["studio_admin"] });
    const enrolled = await enrolTotp(t, await browserWithSession(t, admin.id, "enrol"), "Admin app");
    adminSecret = enrolled.secret;
    adminBrowser = await adminSignIn();
  });
  after(() => t.close());

  test("OATH import is all-or-nothing with a report; only Studio Admins import", async () => {
    const bad = await call(t, adminBrowser, "POST", "/api/oath-tokens/import", {
      format: "csv",
      content: `serial,secret,digits,period,algorithm\nTK-1,${SEED_BASE32},6,30\nTK-2,${SEED_HEX},8,60,SHA256\nTK-3,GEZDGNBV,6,30\nTK-1,${SEED_BASE32},6,30\n`,
    });
    assert.equal(bad.statusCode, 200, bad.body);
    assert.equal(bad.json().imported, false);
    assert.deepEqual(
      bad.json().problems.map((p: { line: number }) => p.line),
      [4, 5],
    );
    assert.equal(
      (await call(t, adminBrowser, "GET", "/api/oath-tokens")).json().tokens.length,
      0,
      "nothing stored",
    );

    const good = `TK-1,${SEED_BASE32},6,30\nTK-2,${SEED_HEX},8,60,SHA256\n`;
    const dry = await call(t, adminBrowser, "POST", "/api/oath-tokens/import", {
      format: "csv",
      content: good,
      dryRun: true,
    });
    assert.equal(dry.json().imported, false);
    assert.equal(dry.json().tokens.length, 2);
    assert.equal(
      (await call(t, adminBrowser, "GET", "/api/oath-tokens")).json().tokens.length,
      0,
      "dry run stores nothing",
    );

    const ok = await call(t, adminBrowser, "POST", "/api/oath-tokens/import", {
      format: "csv",
      content: good,
    });
    assert.equal(ok.json().imported, true, ok.body);
    const again = await call(t, adminBrowser, "POST", "/api/oath-tokens/import", {
      format: "csv",
      content: good,
    });
    assert.equal(again.json().imported, false);
    assert.match(again.json().problems[0].problem, /already imported/);

    const pskc = await call(t, adminBrowser, "POST", "/api/oath-tokens/import", {
      format: "pskc",
      content: `<?xml version="1.0"?><KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><DeviceInfo><SerialNo>PSKC-9</SerialNo></DeviceInfo><Key Id="9" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp"><AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters><Data><Secret><PlainValue>${Buffer.from(RFC_SEED).toString("base64")}</PlainValue></Secret></Data></Key></KeyPackage></KeyContainer>`,
    });
    assert.equal(pskc.json().imported, true, pskc.body);
    const inventory = (await call(t, adminBrowser, "GET", "/api/oath-tokens")).json().tokens;
    assert.deepEqual(
      inventory.map((x: { serial: string; status: string }) => [x.serial, x.status]),
      [
        ["PSKC-9", "unassigned"],
        ["TK-1", "unassigned"],
        ["TK-2", "unassigned"],
      ],
    );
    assert.ok(!JSON.stringify(inventory).includes(SEED_BASE32), "seeds are never shown");

    const operator = await signedInWithPassword(t);
    const refused = await call(t, operator.browser, "GET", "/api/oath-tokens");
    assert.equal(refused.statusCode, 403);
  });

  test("a token assigned by serial counts once its holder enters a code; then it signs them in", async () => {
    const signed = await signedInWithPassword(t, { roles: ["studio_admin"] });
    person = signed.user;
    const assign = await call(t, adminBrowser, "POST", "/api/oath-tokens/tk-2/assign", { userId: person.id });
    assert.equal(assign.statusCode, 200, assign.body);
    const mine = (await call(t, signed.browser, "GET", "/api/factors")).json();
    assert.deepEqual(mine.pendingTokens, [{ serial: "TK-2", digits: 8 }]);
    assert.equal(mine.counts.total, 0, "assigned is not yet a factor");

    const wrong = await call(t, signed.browser, "POST", "/api/factors/oath/claim", {
      serial: "TK-2",
      code: "12345678",
    });
    assert.equal(wrong.statusCode, 400);
    const notMine = await call(t, signed.browser, "POST", "/api/factors/oath/claim", {
      serial: "TK-1",
      code: tokenCode(6, 30, "SHA1"),
    });
    assert.equal(notMine.statusCode, 400, "a token assigned to nobody (or someone else) cannot be claimed");
    assert.equal(notMine.json().error.details.reason, "not_found");

    const ok = await call(t, signed.browser, "POST", "/api/factors/oath/claim", {
      serial: "TK-2",
      code: tokenCode(8, 60, "SHA256"),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().session.stage, "complete");
    codes = ok.json().recoveryCodes;
    assert.equal(codes.length, 10);
    await t.smtp.waitFor(person.email, /factor was added/);

    t.clock.advance(60_000);
    const b = await passwordStep(t, person);
    const signIn = await call(t, b, "POST", "/api/auth/mfa/otp", { code: tokenCode(8, 60, "SHA256") });
    assert.equal(signIn.statusCode, 200, signIn.body);
    assert.deepEqual(signIn.json().amr, ["pwd", "otp"]);
    const replay = await call(t, await passwordStep(t, person), "POST", "/api/auth/mfa/otp", {
      code: tokenCode(8, 60, "SHA256"),
    });
    assert.equal(replay.json().error.details.reason, "replayed");
    const inventory = (await call(t, adminBrowser, "GET", "/api/oath-tokens")).json().tokens;
    assert.equal(inventory.find((x: { serial: string }) => x.serial === "TK-2").status, "active");
  });

  test("guessing the code of an assigned token is throttled", async () => {
    const holder = await signedInWithPassword(t);
    assert.equal(
      (await call(t, adminBrowser, "POST", "/api/oath-tokens/TK-1/assign", { userId: holder.user.id }))
        .statusCode,
      200,
    );
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      const guess = String(100000 + i);
      status = (
        await call(t, holder.browser, "POST", "/api/factors/oath/claim", { serial: "TK-1", code: guess })
      ).statusCode;
    }
    assert.equal(status, 429);
    const right = await call(t, holder.browser, "POST", "/api/factors/oath/claim", {
      serial: "TK-1",
      code: tokenCode(6, 30, "SHA1"),
    });
    assert.equal(right.statusCode, 429, "even the right code waits");
    const throttled = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.reason, "throttled"));
    assert.ok(throttled.some((e) => e.action === "mfa.factor.confirm" && e.targetId === holder.user.id));
  });

  test("a recovery code signs in once (amr rec), the user is mailed how many remain; stored only hashed", async () => {
    const rows = await t.database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id));
    assert.equal(rows.length, 10);
    for (const row of rows) {
      assert.match(row.codeHash, /^\$argon2id\$/);
      assert.ok(!codes.some((c) => row.codeHash.includes(c.replace("-", ""))));
    }
    const b = await passwordStep(t, person);
    const used = await call(t, b, "POST", "/api/auth/mfa/recovery-code", { code: codes[0].toLowerCase() });
    assert.equal(used.statusCode, 200, used.body);
    assert.deepEqual(used.json().amr, ["pwd", "rec"]);
    assert.equal(used.json().recoveryCodesRemaining, 9);
    const mail = await t.smtp.waitFor(person.email, /recovery code was used/);
    assert.match(mail.text, /9 unused recovery codes left/);

    const second = await call(t, await passwordStep(t, person), "POST", "/api/auth/mfa/recovery-code", {
      code: codes[0],
    });
    assert.equal(second.statusCode, 400);
    assert.equal(second.json().error.details.reason, "replayed");
  });

  test("regenerating recovery codes needs a step-up and invalidates the old set", async () => {
    const b = await passwordStep(t, person);
    assert.equal(
      (await call(t, b, "POST", "/api/auth/mfa/recovery-code", { code: codes[1] })).statusCode,
      200,
    );
    t.clock.advance(11 * MINUTE);
    const stale = await call(t, b, "POST", "/api/factors/recovery-codes");
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, "STEP_UP_REQUIRED");
    const step = await call(t, b, "POST", "/api/auth/step-up/otp", { code: tokenCode(8, 60, "SHA256") });
    assert.equal(step.statusCode, 200, step.body);
    const fresh = await call(t, b, "POST", "/api/factors/recovery-codes");
    assert.equal(fresh.statusCode, 200, fresh.body);
    assert.equal(fresh.json().recoveryCodes.length, 10);
    await t.smtp.waitFor(person.email, /New recovery codes/);
    const old = await call(t, await passwordStep(t, person), "POST", "/api/auth/mfa/recovery-code", {
      code: codes[2],
    });
    assert.equal(old.statusCode, 400, "the old set no longer works");
    codes = fresh.json().recoveryCodes;
  });

  test("admin reset: Studio Admin only, after their own step-up, with a reason; ends sessions, mails, forces enrolment", async () => {
    const personSession = await passwordStep(t, person);
    assert.equal(
      (await call(t, personSession, "POST", "/api/auth/mfa/recovery-code", { code: codes[0] })).statusCode,
      200,
    );
    const url = `/api/users/${person.id}/reset-factors`;
    const body = { reason: "Ticket SEC-1234: lost token, identity checked by video call" };

    const notAdmin = await signedInWithPassword(t, { roles: ["security_auditor"] });
    const nb = notAdmin.browser;
    assert.equal((await enrolTotp(t, nb)).confirm.statusCode, 200);
    assert.equal((await call(t, nb, "POST", url, body)).statusCode, 403);

    const ab = await adminSignIn();
    t.clock.advance(11 * MINUTE);
    const stale = await call(t, ab, "POST", url, body);
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, "STEP_UP_REQUIRED");
    const view = await call(t, ab, "GET", `/api/users/${person.id}/factors`);
    assert.equal(view.json().counts.total, 1, "looking changes nothing");
    const step = await call(t, ab, "POST", "/api/auth/step-up/otp", { code: totpCode(t, adminSecret) });
    assert.equal(step.statusCode, 200, step.body);
    const self = await call(t, ab, "POST", `/api/users/${admin.id}/reset-factors`, body);
    assert.equal(self.statusCode, 403, "not one's own factors");
    const noReason = await call(t, ab, "POST", url, {});
    assert.equal(noReason.statusCode, 400);

    const reset = await call(t, ab, "POST", url, body);
    assert.equal(reset.statusCode, 200, reset.body);
    assert.deepEqual(reset.json().revoked, { totp: 0, oath: 1, webauthn: 0, recoveryCodes: 9 });
    assert.ok(reset.json().sessionsEnded >= 1);
    assert.equal((await call(t, personSession, "GET", "/api/auth/session")).json().authenticated, false);
    const mail = await t.smtp.waitFor(person.email, /factors were reset/);
    assert.match(mail.text, /SEC-1234/);
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "mfa.admin_reset"));
    assert.equal(audit.actorUserId, admin.id);
    assert.equal(audit.targetId, person.id);
    assert.match(audit.reason!, /SEC-1234/);

    const history = (await call(t, ab, "GET", `/api/users/${person.id}/factors`)).json();
    assert.equal(history.counts.total, 0);
    assert.equal(history.history.length, 1);
    assert.ok(history.history[0].revokedAt, "the dated record keeps the revoked token");

    const next = await passwordStep(t, person);
    const state = await call(t, next, "GET", "/api/auth/session");
    assert.equal(state.json().session.stage, "enrol", "at the next sign-in they must enrol again");
  });
});
