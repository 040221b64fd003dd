import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../../platform/audit/schema.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { partners, users } from "../directory/schema.ts";
import type { AuthUser } from "../identity/auth-types.ts";
import { totpAuthenticators, webauthnCredentials } from "../identity/factors/schema.ts";
import { mfaStatusOf } from "../identity/mfa-status.ts";
import { mfaGraceAccounts } from "../identity/schema.ts";
import { getPerson } from "./people.ts";
import { makePartner, makePerson, signedIn } from "./test-fixtures.ts";

describe(`governance over HTTP (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let partnerA: string;
  let partnerB: string;
  let admin: AuthUser;
  let vmA: AuthUser;
  let operatorA: AuthUser;
  const as = async (user: AuthUser) => signedIn(t, user);

  before(async () => {
    t = await createTestContext();
    const db = t.database.db;
    partnerA = await makePartner(db, t, {
      name: "Aurora Post",
      domains: ["aurora.example"],
      verifierSeats: 1,
    });
    partnerB = await makePartner(db, t, { name: "Boreal Sound", domains: ["boreal.example"] });
    admin = await makePerson(db, t, {
      name: "Ada Admin",
      email: "ada@studio.example",
      partnerId: null,
      roles: ["studio_admin"],
    });
    vmA = await makePerson(db, t, {
      name: "Val Manager",
      email: "val@aurora.example",
      partnerId: partnerA,
      roles: ["vendor_manager"],
    });
    operatorA = await makePerson(db, t, {
      name: "Otto Operator",
      email: "otto@aurora.example",
      partnerId: partnerA,
      roles: ["operator"],
      taskTypes: ["spot_qc"],
    });
  });
  after(() => t.close());

  test("a deactivation request kills the person's live session: their next request is refused", async () => {
    const otto = await as(operatorA);
    const before = await t.app.inject({ method: "GET", url: "/api/governance/task-types", headers: otto });
    assert.equal(before.statusCode, 200);
    const submitted = await t.app.inject({
      method: "POST",
      url: "/api/governance/requests",
      headers: await as(vmA),
      payload: { kind: "deactivate", userId: operatorA.id, reason: "staff_exit", note: "left on Friday" },
    });
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(submitted.json().status, "pending", "the studio still confirms it");
    const afterwards = await t.app.inject({
      method: "GET",
      url: "/api/governance/task-types",
      headers: otto,
    });
    assert.ok([401, 403].includes(afterwards.statusCode), `refused, got ${afterwards.statusCode}`);
    assert.equal((await getPerson(t.database.db, operatorA.id)).status, "deactivated");

    const history = await t.app.inject({
      method: "GET",
      url: `/api/governance/requests/${submitted.json().id}`,
      headers: await as(vmA),
    });
    assert.deepEqual(
      history.json().history.map((h: { action: string }) => h.action),
      ["access_request.submitted", "access_request.deactivation_applied"],
    );
  });

  test("the MFA enforcement date is set by a Studio Admin, audited, and never by a Vendor Manager", async () => {
    const refused = await t.app.inject({
      method: "PATCH",
      url: `/api/governance/partners/${partnerA}`,
      headers: await as(vmA),
      payload: { mfaEnforcementDate: "2026-06-01" },
    });
    assert.equal(refused.statusCode, 403);
    const other = await t.app.inject({
      method: "GET",
      url: `/api/governance/partners/${partnerB}`,
      headers: await as(vmA),
    });
    assert.equal(other.statusCode, 404, "another partner is not found");
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/governance/partners/${partnerA}`,
      headers: await as(admin),
      payload: { mfaEnforcementDate: "2026-06-01", verifierSeats: 3 },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().mfaEnforcementDate, "2026-06-01");
    const [row] = await t.database.db.select().from(partners).where(eq(partners.id, partnerA));
    assert.equal(row.mfaEnforcementDate, "2026-06-01");
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "partner.mfa_enforcement_date_changed"),
          eq(auditEvents.targetId, partnerA),
        ),
      );
    assert.deepEqual(event.details, { from: null, to: "2026-06-01" });
    // seats go back to 1 for the import test below
    const back = await t.app.inject({
      method: "PATCH",
      url: `/api/governance/partners/${partnerA}`,
      headers: await as(admin),
      payload: { verifierSeats: 1 },
    });
    assert.equal(back.statusCode, 200, back.body);
  });

  test("bulk import: a dry run reports every row's problems, apply creates the valid rows as invitations", async () => {
    const csv = [
      "Partner,Name,Email,Roles,Task types",
      "Aurora Post,Ines Import,ines@aurora.example,Operator,Full QC; Spot QC",
      "Aurora Post,Vic Verifier,vic@aurora.example,Operator;Verifier,Full QC;Verification",
      "Aurora Post,Vix Verifier,vix@aurora.example,Verifier,Verification",
      "Nowhere Ltd,Nat Nobody,nat@nowhere.example,Operator,",
      "Aurora Post,Gus Gmail,gus@gmail.com,Operator,",
      "Aurora Post,Data IO,dataio@aurora.example,Download Manager,",
      "Aurora Post,Otto Again,OTTO@aurora.example,Operator,",
      "Aurora Post,Ines Twice,ines+2@aurora.example,Operator,",
      "Aurora Post,Pat Pilot,pat@aurora.example,Pilot,",
      "Aurora Post,Tess Task,tess@aurora.example,Operator,Teleport QC",
      "Aurora Post,\"=cmd|' /C calc'!A0\",eve@aurora.example,Operator,",
    ].join("\n");
    const dry = await t.app.inject({
      method: "POST",
      url: "/api/governance/import",
      headers: await as(admin),
      payload: { csv },
    });
    assert.equal(dry.statusCode, 200, dry.body);
    const report = dry.json();
    const codes = (line: number) =>
      report.rows
        .find((r: { line: number }) => r.line === line)
        .problems.map((p: { code: string }) => p.code);
    assert.deepEqual(codes(2), []);
    assert.deepEqual(codes(3), []);
    assert.deepEqual(codes(4), ["SEAT_LIMIT"], "one verifier seat, taken by the row above");
    assert.deepEqual(codes(5), ["UNKNOWN_PARTNER"]);
    assert.deepEqual(codes(6), ["DOMAIN_NOT_ALLOWED"]);
    assert.deepEqual(codes(7), ["ROLE_ADDRESS"]);
    assert.deepEqual(codes(8), ["DUPLICATE_PERSON"], "already has an account (deactivated or not)");
    assert.deepEqual(codes(9), ["DUPLICATE_PERSON"], "the same person twice in the file");
    assert.deepEqual(codes(10), ["UNKNOWN_ROLE"]);
    assert.deepEqual(codes(11), ["UNKNOWN_TASK_TYPE"]);
    assert.deepEqual(codes(12), []);
    assert.equal(report.applied, false);
    assert.equal(report.valid, 3);
    const none = await t.database.db
      .select()
      .from(users)
      .where(eq(users.emailCanonical, "ines@aurora.example"));
    assert.equal(none.length, 0, "a dry run creates nothing");

    const refused = await t.app.inject({
      method: "POST",
      url: "/api/governance/import",
      headers: await as(vmA),
      payload: { csv, apply: true },
    });
    assert.equal(refused.statusCode, 403);

    const applied = await t.app.inject({
      method: "POST",
      url: "/api/governance/import",
      headers: await as(admin),
      payload: { csv, apply: true },
    });
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal(applied.json().created, 3);
    const [ines] = await t.database.db
      .select()
      .from(users)
      .where(eq(users.emailCanonical, "ines@aurora.example"));
    const person = await getPerson(t.database.db, ines.id);
    assert.equal(person.status, "invited");
    assert.deepEqual(person.taskTypes, ["full_qc", "spot_qc"]);
    const grace = await t.database.db
      .select()
      .from(mfaGraceAccounts)
      .where(eq(mfaGraceAccounts.userId, ines.id));
    assert.equal(grace.length, 1, "imported people get the partner's MFA enforcement-date grace");
    await t.smtp.waitFor("ines@aurora.example", /Your Loupe account/);

    // the partner's enforcement date (2026-06-01, set above) feeds identity's enrolment policy
    const inesAuth = { id: ines.id, partnerId: partnerA, roles: person.roles };
    assert.equal((await mfaStatusOf(t.database.db, t, inesAuth)).decision, "urged", "before the date: urged");
    const moved = await t.app.inject({
      method: "PATCH",
      url: `/api/governance/partners/${partnerA}`,
      headers: await as(admin),
      payload: { mfaEnforcementDate: "2026-03-01" },
    });
    assert.equal(moved.statusCode, 200);
    assert.equal(
      (await mfaStatusOf(t.database.db, t, inesAuth)).decision,
      "must-enrol",
      "from the date: must enrol",
    );
    const replace = await t.smtp.waitFor("val@aurora.example", /shared addresses to replace/);
    assert.match(replace.text, /dataio@aurora\.example/);
  });

  test("MFA adoption per partner and a reminder to each person not enrolled", async () => {
    const db = t.database.db;
    const keyHolder = await makePerson(db, t, {
      name: "Kim Key",
      email: "kim@boreal.example",
      partnerId: partnerB,
      roles: ["operator"],
    });
    const twoFactors = await makePerson(db, t, {
      name: "Tom Two",
      email: "tom@boreal.example",
      partnerId: partnerB,
      roles: ["operator"],
    });
    await makePerson(db, t, {
      name: "Nel None",
      email: "nel@boreal.example",
      partnerId: partnerB,
      roles: ["operator"],
    });
    const key = (userId: string, n: number) => ({
      id: crypto.randomUUID(),
      userId,
      credentialId: `cred-${userId}-${n}`,
      publicKey: "pk",
      counter: 0,
      transports: ["usb"],
      aaguid: "00000000-0000-0000-0000-000000000000",
      name: `Key ${n}`,
      userVerified: true,
      deviceType: "singleDevice" as const,
      backedUp: false,
      amr: "hwk" as const,
      createdAt: t.clock.now(),
    });
    await db.insert(webauthnCredentials).values([key(keyHolder.id, 1), key(twoFactors.id, 2)]);
    await db.insert(totpAuthenticators).values({
      id: crypto.randomUUID(),
      userId: twoFactors.id,
      label: "Desktop app",
      secretSealed: "sealed",
      digits: 6,
      period: 30,
      algorithm: "SHA1",
      createdAt: t.clock.now(),
      confirmedAt: t.clock.now(),
    });
    const res = await t.app.inject({
      method: "GET",
      url: "/api/governance/mfa-adoption",
      headers: await as(admin),
    });
    assert.equal(res.statusCode, 200, res.body);
    const boreal = res.json().partners.find((p: { partnerName: string }) => p.partnerName === "Boreal Sound");
    assert.deepEqual(
      {
        users: boreal.users,
        enrolled: boreal.enrolled,
        notEnrolled: boreal.notEnrolled,
        one: boreal.oneFactorOnly,
        byType: boreal.byType,
      },
      { users: 3, enrolled: 2, notEnrolled: 1, one: 1, byType: { totp: 1, oath: 0, webauthn: 2 } },
    );
    const vmRefused = await t.app.inject({
      method: "GET",
      url: "/api/governance/mfa-adoption",
      headers: await as(vmA),
    });
    assert.equal(vmRefused.statusCode, 403);

    const sent = await t.app.inject({
      method: "POST",
      url: `/api/governance/partners/${partnerB}/mfa-reminders`,
      headers: await as(admin),
    });
    assert.equal(sent.statusCode, 200, sent.body);
    assert.equal(sent.json().sent, 1);
    const mail = await t.smtp.waitFor("nel@boreal.example", /two-step verification/);
    assert.deepEqual(mail.to, ["nel@boreal.example"]);
    assert.equal(t.smtp.mailTo("kim@boreal.example").length, 0);
  });

  test("the campaign report downloads as CSV for the studio only", async () => {
    const launched = await t.app.inject({
      method: "POST",
      url: "/api/governance/campaigns",
      headers: await as(admin),
      payload: {
        name: "Spring audit",
        partnerIds: [partnerA],
        deadline: new Date(t.clock.now().getTime() + 10 * 86_400_000).toISOString(),
      },
    });
    assert.equal(launched.statusCode, 200, launched.body);
    const id = launched.json().id;
    const csv = await t.app.inject({
      method: "GET",
      url: `/api/governance/campaigns/${id}/report.csv`,
      headers: await as(admin),
    });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers["content-type"]), /text\/csv/);
    assert.match(csv.body, /"'=cmd\|' \/C calc'!A0"/, "formula cells are neutralised");
    const vm = await t.app.inject({
      method: "GET",
      url: `/api/governance/campaigns/${id}/report.csv`,
      headers: await as(vmA),
    });
    assert.equal(vm.statusCode, 403);
  });
});
