import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../../platform/audit/schema.ts";
import { HOUR } from "../../platform/clock.ts";
import { linkIn } from "../../test-support/smtp-sink.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { partners, users } from "../directory/schema.ts";
import { issueBootstrapLink } from "./bootstrap.ts";
import { mfaGraceAccounts } from "./schema.ts";
import {
  type Browser,
  browserWithSession,
  call,
  createActiveUser,
  createPartner,
  newBrowser,
} from "./test-helpers.ts";

const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, "");

async function auditCount(t: TestContext, action: string): Promise<number> {
  return (await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action))).length;
}

describe(`accounts (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let partnerId: string;

  before(async () => {
    t = await createTestContext();
    partnerId = await createPartner(t, "Northlight Post", ["northlightpost.example"]);
  });
  after(() => t.close());

  describe("bootstrap", () => {
    test("with no Studio Admin a single-use link creates the first one, who must enrol MFA first", async () => {
      const first = await issueBootstrapLink(t);
      const second = await issueBootstrapLink(t);
      assert.ok(first && second);
      assert.match(second, /^http:\/\/localhost:3000\/bootstrap#token=/);
      const body = {
        name: "Ada Admin",
        email: "ada.admin@studio.example",
        password: "tea kettle before sunrise",
      };
      const stale = await call(t, newBrowser(), "POST", "/api/auth/bootstrap", {
        ...body,
        token: tokenOf(first),
      });
      assert.equal(stale.statusCode, 410, "a restart's new link replaces the old one");

      const b = newBrowser();
      const res = await call(t, b, "POST", "/api/auth/bootstrap", { ...body, token: tokenOf(second) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().stage, "enrol");
      const state = await call(t, b, "GET", "/api/auth/session");
      assert.equal(state.json().session.stage, "enrol");
      assert.equal(state.json().mfa.decision, "must-enrol");
      // enrolment first: nothing else is reachable
      const adminPage = await call(t, b, "GET", "/api/admin/users");
      assert.equal(adminPage.statusCode, 403);
      assert.equal(adminPage.json().error.code, "MFA_ENROLMENT_REQUIRED");
      // the link works once, and no new link is printed once an admin exists
      const again = await call(t, newBrowser(), "POST", "/api/auth/bootstrap", {
        ...body,
        email: "someone.else@studio.example",
        token: tokenOf(second),
      });
      assert.equal(again.statusCode, 410);
      assert.equal(await issueBootstrapLink(t), null);
      // the admin's email is verified by a link sent to it
      const mail = await t.smtp.waitFor("ada.admin@studio.example", /Confirm your email/);
      const v = await call(t, newBrowser(), "POST", "/api/auth/verify-email", {
        token: tokenOf(linkIn(mail)),
      });
      assert.equal(v.statusCode, 200);
      const [ada] = await t.database.db
        .select()
        .from(users)
        .where(eq(users.emailCanonical, "ada.admin@studio.example"));
      assert.ok(ada.emailVerifiedAt);
    });
  });

  describe("invitation", () => {
    let admin: Browser;
    before(async () => {
      const a = await createActiveUser(t, { roles: ["studio_admin"] });
      admin = await browserWithSession(t, a.id);
    });

    test("invite -> verify email + set password -> sign in at stage 'enrol'", async () => {
      const res = await call(t, admin, "POST", "/api/admin/users", {
        name: "Priya Raman",
        email: "priya.raman@northlightpost.example",
        partnerId,
        roles: ["operator"],
      });
      assert.equal(res.statusCode, 200, res.body);
      const userId = res.json().userId;
      const mail = await t.smtp.waitFor("priya.raman@northlightpost.example", /Your Loupe account/);
      assert.deepEqual(mail.to, ["priya.raman@northlightpost.example"]);
      const token = tokenOf(linkIn(mail));

      const who = await call(t, newBrowser(), "POST", "/api/auth/invitation/inspect", { token });
      assert.deepEqual(who.json(), {
        name: "Priya Raman",
        email: "priya.raman@northlightpost.example",
        partnerName: "Northlight Post",
      });
      // an invited account cannot sign in yet
      const early = await call(t, newBrowser(), "POST", "/api/auth/sign-in", {
        email: "priya.raman@northlightpost.example",
        password: "anything at all here",
      });
      assert.equal(early.statusCode, 401);

      const weak = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", {
        token,
        password: "password1234",
      });
      assert.equal(weak.statusCode, 422);
      assert.equal(weak.json().error.code, "WEAK_PASSWORD");
      const accept = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", {
        token,
        password: "mixing desk at midnight",
      });
      assert.equal(accept.statusCode, 200, accept.body);
      const [u] = await t.database.db.select().from(users).where(eq(users.id, userId));
      assert.equal(u.status, "active");
      assert.ok(u.emailVerifiedAt);
      const reuse = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", {
        token,
        password: "another midnight phrase",
      });
      assert.equal(reuse.statusCode, 410);

      const b = newBrowser();
      const signIn = await call(t, b, "POST", "/api/auth/sign-in", {
        email: "priya.raman+qc@northlightpost.example",
        password: "mixing desk at midnight",
      });
      assert.equal(signIn.statusCode, 200, signIn.body);
      assert.equal(signIn.json().stage, "enrol");
      assert.equal(signIn.json().enrolment, "must-enrol", "new accounts always enrol at first sign-in");
      assert.equal(await auditCount(t, "identity.user_invited"), 1);
      assert.equal(await auditCount(t, "identity.invitation_accepted"), 1);
    });

    test("an expired invitation link gives a clear error; a resent link works", async () => {
      const res = await call(t, admin, "POST", "/api/admin/users", {
        name: "Tomas Okafor",
        email: "tomas.okafor@northlightpost.example",
        partnerId,
        roles: ["verifier"],
      });
      const userId = res.json().userId;
      const mail = await t.smtp.waitFor("tomas.okafor@northlightpost.example");
      t.clock.advance(73 * HOUR);
      const late = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", {
        token: tokenOf(linkIn(mail)),
        password: "violet harbour lanterns",
      });
      assert.equal(late.statusCode, 410);
      assert.match(late.json().error.message, /expired/);
      admin = await browserWithSession(t, (await createActiveUser(t)).id); // the old session idled out
      const resend = await call(t, admin, "POST", `/api/admin/users/${userId}/resend-invitation`, {});
      assert.equal(resend.statusCode, 200, resend.body);
      const fresh = t.smtp.mailTo("tomas.okafor@northlightpost.example").at(-1)!;
      const ok = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", {
        token: tokenOf(linkIn(fresh)),
        password: "violet harbour lanterns",
      });
      assert.equal(ok.statusCode, 200, ok.body);
    });

    test("one account per canonical address: case and +tags do not make a second one", async () => {
      const res = await call(t, admin, "POST", "/api/admin/users", {
        name: "Priya Again",
        email: "PRIYA.RAMAN+second@northlightpost.example",
        partnerId,
        roles: ["operator"],
      });
      assert.equal(res.statusCode, 409);
    });

    test("the partner's email domains are enforced", async () => {
      const res = await call(t, admin, "POST", "/api/admin/users", {
        name: "Free Mail",
        email: "someone@gmail.example",
        partnerId,
        roles: ["operator"],
      });
      assert.equal(res.statusCode, 422);
      assert.equal(res.json().error.code, "DOMAIN_NOT_ALLOWED");
    });

    test("role and group addresses are refused with a clear message, and nothing is written", async () => {
      const usersBefore = (await t.database.db.select().from(users)).length;
      const auditBefore = (await t.database.db.select().from(auditEvents)).length;
      for (const local of [
        "ops",
        "qc-team",
        "dataio",
        "dl-northlight",
        "nightly-shift",
        "info",
        "Operators+x",
      ]) {
        const res = await call(t, admin, "POST", "/api/admin/users", {
          name: "Group Box",
          email: `${local}@northlightpost.example`,
          partnerId,
          roles: ["operator"],
        });
        assert.equal(res.statusCode, 422, local);
        assert.equal(res.json().error.code, "ROLE_ADDRESS");
        assert.match(res.json().error.message, /role or group address/);
      }
      assert.equal((await t.database.db.select().from(users)).length, usersBefore, "no account was created");
      assert.equal(
        (await t.database.db.select().from(auditEvents)).length,
        auditBefore,
        "a failed action leaves no audit row",
      );
    });

    test("a Studio Admin overrides a role address only with a written justification, which is audited", async () => {
      const body = {
        name: "Sam Desk",
        email: "production@northlightpost.example",
        partnerId,
        roles: ["operator"],
      };
      const short = await call(t, admin, "POST", "/api/admin/users", {
        ...body,
        roleAddressJustification: "ok",
      });
      assert.equal(short.statusCode, 422);
      const justification = "Sam Lee's personal mailbox; the facility names mailboxes by desk (ticket 812).";
      const res = await call(t, admin, "POST", "/api/admin/users", {
        ...body,
        roleAddressJustification: justification,
      });
      assert.equal(res.statusCode, 200, res.body);
      const [row] = await t.database.db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.action, "identity.role_address_override"),
            eq(auditEvents.targetId, res.json().userId),
          ),
        );
      assert.equal(row.reason, justification);
      assert.ok(row.actorUserId);
      const [u] = await t.database.db.select().from(users).where(eq(users.id, res.json().userId));
      assert.equal(u.roleAddressJustification, justification);
    });

    test("the studio's own list of role-address patterns is enforced", async () => {
      const add = await call(t, admin, "POST", "/api/admin/role-address-patterns", {
        pattern: "nl-*",
        note: "Northlight lists",
      });
      assert.equal(add.statusCode, 200, add.body);
      const res = await call(t, admin, "POST", "/api/admin/users", {
        name: "List",
        email: "nl-colour@northlightpost.example",
        partnerId,
        roles: ["operator"],
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.json().error.message, /nl-\*/);
    });

    test("common and personal passwords are refused; long passphrases of any characters are fine", async () => {
      const res = await call(t, admin, "POST", "/api/admin/users", {
        name: "Kenji Watanabe",
        email: "kenji.watanabe@northlightpost.example",
        partnerId,
        roles: ["operator"],
      });
      assert.equal(res.statusCode, 200);
      const token = tokenOf(linkIn(await t.smtp.waitFor("kenji.watanabe@northlightpost.example")));
      for (const password of [
        "qwertyuiop123",
        "Password2024!",
        "short pass",
        "kenji.watanabe!!",
        "Northlight Post 2026",
        "iloveyouiloveyou",
      ]) {
        const r = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", { token, password });
        assert.equal(r.statusCode, 422, password);
        assert.equal(r.json().error.code, "WEAK_PASSWORD");
      }
      const ok = await call(t, newBrowser(), "POST", "/api/auth/invitation/accept", {
        token,
        password: "🎧🎚️ 静かな部屋で聞く",
      });
      assert.equal(ok.statusCode, 200, ok.body);
    });

    test("only a Studio Admin may invite or list accounts", async () => {
      const op = await createActiveUser(t, {
        email: "op.one@northlightpost.example",
        roles: ["operator"],
        partnerId,
      });
      const b = await browserWithSession(t, op.id);
      assert.equal((await call(t, b, "GET", "/api/admin/users")).statusCode, 403);
      const inv = await call(t, b, "POST", "/api/admin/users", {
        name: "X",
        email: "x.person@northlightpost.example",
        partnerId,
        roles: ["operator"],
      });
      assert.equal(inv.statusCode, 403);
      const list = await call(t, admin, "GET", `/api/admin/users?partnerId=${partnerId}`);
      assert.equal(list.statusCode, 200);
      const priya = list.json().users.find((u: { email: string }) => u.email.startsWith("priya"));
      assert.equal(priya.status, "active");
      assert.deepEqual(priya.roles, ["operator"]);
      assert.equal(priya.partnerName, "Northlight Post");
      assert.equal(priya.mfa.decision, "must-enrol");
      assert.equal(priya.mfa.factorCount, 0);
    });
  });

  describe("MFA rollout", () => {
    test("a pre-existing partner account is urged before the partner's date and may postpone; a new one may not", async () => {
      const kestrel = await createPartner(t, "Kestrel Media Services", ["kestrelmedia.example"]);
      await t.database.db
        .update(partners)
        .set({ mfaEnforcementDate: "2026-12-31" })
        .where(eq(partners.id, kestrel));
      const old = await createActiveUser(t, {
        email: "diego.alvarez@kestrelmedia.example",
        roles: ["vendor_manager"],
        partnerId: kestrel,
      });
      await t.database.db
        .insert(mfaGraceAccounts)
        .values({ userId: old.id, grantedAt: t.clock.now(), reason: "imported" });
      const fresh = await createActiveUser(t, {
        email: "leila.haddad@kestrelmedia.example",
        roles: ["verifier"],
        partnerId: kestrel,
      });

      const b = newBrowser();
      const res = await call(t, b, "POST", "/api/auth/sign-in", { email: old.email, password: old.password });
      assert.equal(res.json().stage, "enrol");
      assert.equal(res.json().enrolment, "urged");
      const later = await call(t, b, "POST", "/api/auth/enrolment/postpone", {});
      assert.equal(later.statusCode, 200, later.body);
      const state = (await call(t, b, "GET", "/api/auth/session")).json();
      assert.equal(state.session.stage, "complete");
      assert.deepEqual(state.session.amr, ["pwd"]);

      const nb = newBrowser();
      const r2 = await call(t, nb, "POST", "/api/auth/sign-in", {
        email: fresh.email,
        password: fresh.password,
      });
      assert.equal(r2.json().enrolment, "must-enrol");
      const refused = await call(t, nb, "POST", "/api/auth/enrolment/postpone", {});
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, "MFA_ENROLMENT_REQUIRED");

      // from the partner's date on, the pre-existing account must enrol too
      await t.database.db
        .update(partners)
        .set({ mfaEnforcementDate: "2026-01-01" })
        .where(eq(partners.id, kestrel));
      const ob = newBrowser();
      const r3 = await call(t, ob, "POST", "/api/auth/sign-in", { email: old.email, password: old.password });
      assert.equal(r3.json().enrolment, "must-enrol");
      assert.equal((await call(t, ob, "POST", "/api/auth/enrolment/postpone", {})).statusCode, 403);
    });
  });

  describe("audit log", () => {
    test("Studio Admins and Security Auditors search it; others cannot", async () => {
      const auditor = await createActiveUser(t, { roles: ["security_auditor"] });
      const b = await browserWithSession(t, auditor.id);
      const res = await call(t, b, "GET", "/api/audit-log?action=identity.&outcome=success&limit=2");
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json();
      assert.equal(page.events.length, 2);
      assert.ok(page.events.every((e: { action: string }) => e.action.startsWith("identity.")));
      assert.ok(page.nextBefore);
      const next = await call(
        t,
        b,
        "GET",
        `/api/audit-log?action=identity.&outcome=success&limit=2&before=${page.nextBefore}`,
      );
      assert.ok(next.json().events[0].seq < page.events[1].seq);
      const byTarget = await call(t, b, "GET", "/api/audit-log?target=production@northlightpost.example");
      assert.ok(
        byTarget.json().events.some((e: { action: string }) => e.action === "identity.role_address_override"),
      );
      const future = await call(t, b, "GET", "/api/audit-log?from=2099-01-01T00:00:00Z");
      assert.equal(future.json().events.length, 0);

      const op = await createActiveUser(t, {
        roles: ["operator"],
        partnerId,
        email: "op.two@northlightpost.example",
      });
      const ob = await browserWithSession(t, op.id);
      assert.equal((await call(t, ob, "GET", "/api/audit-log")).statusCode, 403);
      // the refusal itself is logged (ASVS 16.3.2)
      const [denied] = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "access.denied"), eq(auditEvents.actorUserId, op.id)));
      assert.equal(denied.outcome, "failure");
      assert.deepEqual(denied.details, { method: "GET", route: "/api/audit-log" });
    });

    test("CSV export escapes quotes, commas and line breaks and defuses formulas", async () => {
      const a = await createActiveUser(t, { roles: ["studio_admin"] });
      const b = await browserWithSession(t, a.id);
      // a sign-in attempt whose typed email is a formula, with a quote and comma in the agent
      await call(
        t,
        newBrowser(),
        "POST",
        "/api/auth/sign-in",
        { email: '=HYPERLINK("x")@evil.example', password: "x".repeat(12) },
        {
          "user-agent": 'Agent "007", v2',
        },
      );
      const res = await call(
        t,
        b,
        "GET",
        "/api/audit-log/export.csv?action=identity.sign_in&outcome=failure",
      );
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^text\/csv/);
      assert.match(String(res.headers["content-disposition"]), /attachment; filename="loupe-audit-/);
      const lines = res.body.split("\r\n");
      assert.equal(
        lines[0],
        "seq,at,action,outcome,reason,actorUserId,actorEmail,targetType,targetId,targetLabel,partnerId,ip,userAgent,details",
      );
      assert.ok(
        res.body.includes(`"'=HYPERLINK(""x"")@evil.example"`),
        "formula prefixed with a quote and quoted",
      );
      assert.ok(res.body.includes('"Agent ""007"", v2"'), "quotes doubled, field quoted");
      assert.equal(await auditCount(t, "audit.exported"), 1, "the export itself is audited");
    });
  });
});
