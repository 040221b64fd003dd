import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq, isNull } from "drizzle-orm";
import { DAY, HOUR } from "../../platform/clock.ts";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import type { AuthUser } from "../identity/auth-types.ts";
import { sessions } from "../identity/schema.ts";
import { createSession } from "../identity/session-service.ts";
import {
  campaignReportRows,
  getCampaign,
  launchCampaign,
  listCampaigns,
  listLines,
  processCampaigns,
  reviewLine,
} from "./campaigns.ts";
import { toCsv } from "./csv.ts";
import { getPerson } from "./people.ts";
import { getRequest } from "./requests.ts";
import { callerOf, makePartner, makePerson } from "./test-fixtures.ts";

const code = (c: string) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, c, String(err));
  return true;
};

describe(`account audit campaigns (${testDatabaseKind()})`, () => {
  let t: TestContext;
  let admin: AuthUser;
  let auditor: AuthUser;
  let vmA: AuthUser;
  let vmB: AuthUser;
  let keepMe: AuthUser;
  let removeMe: AuthUser;
  let forgotten: AuthUser;
  let partnerA: string;
  let partnerB: string;
  let partnerC: string;
  let bOperator: AuthUser;
  let cOperator: AuthUser;
  const subjects = (to: string) => t.smtp.mailTo(to).map((m) => m.subject);

  before(async () => {
    t = await createTestContext();
    const db = t.database.db;
    partnerA = await makePartner(db, t, { name: "Alpha Post", domains: ["alpha.example"] });
    partnerB = await makePartner(db, t, { name: "Bravo Sound", domains: ["bravo.example"] });
    partnerC = await makePartner(db, t, { name: "Charlie Labs", domains: ["charlie.example"] });
    admin = await makePerson(db, t, {
      name: "Ada Admin",
      email: "ada@studio.example",
      partnerId: null,
      roles: ["studio_admin"],
    });
    auditor = await makePerson(db, t, {
      name: "Sam Auditor",
      email: "sam@studio.example",
      partnerId: null,
      roles: ["security_auditor"],
    });
    vmA = await makePerson(db, t, {
      name: "Alma Manager",
      email: "alma@alpha.example",
      partnerId: partnerA,
      roles: ["vendor_manager"],
    });
    keepMe = await makePerson(db, t, {
      name: "Kai Keep",
      email: "kai@alpha.example",
      partnerId: partnerA,
      roles: ["operator"],
      taskTypes: ["full_qc"],
    });
    removeMe = await makePerson(db, t, {
      name: "Rae Remove",
      email: "rae@alpha.example",
      partnerId: partnerA,
      roles: ["operator"],
    });
    forgotten = await makePerson(db, t, {
      name: "Finn Forgotten",
      email: "finn@alpha.example",
      partnerId: partnerA,
      roles: ["operator", "download_manager"],
    });
    vmB = await makePerson(db, t, {
      name: "Bea Manager",
      email: "bea@bravo.example",
      partnerId: partnerB,
      roles: ["vendor_manager"],
    });
    bOperator = await makePerson(db, t, {
      name: "Bob Op",
      email: "bob@bravo.example",
      partnerId: partnerB,
      roles: ["operator"],
    });
    // a partner without a Vendor Manager, and a name a spreadsheet would run as a formula
    cOperator = await makePerson(db, t, {
      name: '=HYPERLINK("http://evil.example")',
      email: "cal@charlie.example",
      partnerId: partnerC,
      roles: ["operator"],
    });
  });
  after(() => t.close());

  test("a campaign runs to its deadline: reminders once each, unreviewed lines suspended, reviewed ones untouched", async () => {
    const start = t.clock.now();
    await assert.rejects(
      launchCampaign(t, callerOf(vmA), {
        name: "x",
        partnerIds: null,
        deadline: new Date(start.getTime() + 7 * DAY),
      }),
      code("FORBIDDEN"),
    );
    await assert.rejects(
      launchCampaign(t, callerOf(admin), {
        name: "x",
        partnerIds: null,
        deadline: new Date(start.getTime() + HOUR),
      }),
      code("VALIDATION"),
    );
    const campaign = await launchCampaign(t, callerOf(admin), {
      name: "2026 account audit",
      partnerIds: null,
      deadline: new Date(start.getTime() + 7 * DAY),
    });
    assert.equal(campaign.reminderEveryDays, 3);
    assert.equal(campaign.reminderDaysBefore, 1);
    assert.equal(campaign.noResponseOutcome, "suspend");

    // each Vendor Manager gets one individual mail listing the facility's people, roles and task types
    const launchMail = await t.smtp.waitFor("alma@alpha.example", /Account audit for Alpha Post/);
    assert.deepEqual(launchMail.to, ["alma@alpha.example"]);
    assert.match(launchMail.text, /Kai Keep <kai@alpha\.example>: operator; task types: full_qc/);
    assert.match(launchMail.text, /Finn Forgotten <finn@alpha\.example>: download_manager, operator/);
    assert.doesNotMatch(launchMail.text, /bravo/);
    assert.match(launchMail.text, /http:\/\/localhost:3000\/governance\/campaigns\//);
    assert.equal(subjects("bea@bravo.example").length, 1);
    const studioMail = await t.smtp.waitFor("ada@studio.example", /for the studio to review/);
    assert.match(studioMail.text, /Alma Manager/);
    assert.match(studioMail.text, /Charlie Labs/);

    // scoping: the Vendor Manager sees their own facility's lines only and cannot review their own
    const linesA = await listLines(t, callerOf(vmA), campaign.id);
    assert.deepEqual(linesA.map((l) => l.name).sort(), [
      "Alma Manager",
      "Finn Forgotten",
      "Kai Keep",
      "Rae Remove",
    ]);
    const line = (name: string) => linesA.find((l) => l.name === name)!;
    assert.equal(line("Alma Manager").reviewer, "studio_admin");
    await assert.rejects(
      reviewLine(t, callerOf(vmA), line("Alma Manager").id, { decision: "keep" }),
      code("FORBIDDEN"),
    );
    await assert.rejects(
      reviewLine(t, callerOf(vmB), line("Kai Keep").id, { decision: "keep" }),
      code("NOT_FOUND"),
    );
    await assert.rejects(
      reviewLine(t, callerOf(auditor), line("Kai Keep").id, { decision: "keep" }),
      code("FORBIDDEN"),
    );
    const linesB = await listLines(t, callerOf(vmB), campaign.id, { partnerId: partnerA });
    assert.ok(
      linesB.every((l) => l.partnerId === partnerB),
      "another partner's lines are never listed",
    );
    assert.deepEqual(
      (await getCampaign(t, callerOf(vmB), campaign.id)).progress.map((p) => p.partnerName),
      ["Bravo Sound"],
    );

    // keep, and remove (which deactivates at once)
    const removeSession = await createSession(t.database.db, t, removeMe, {
      stage: "complete",
      amr: ["pwd", "otp"],
    });
    await reviewLine(t, callerOf(vmA), line("Kai Keep").id, { decision: "keep" });
    const removed = await reviewLine(t, callerOf(vmA), line("Rae Remove").id, {
      decision: "remove",
      note: "left in May",
    });
    assert.equal((await getPerson(t.database.db, removeMe.id)).status, "deactivated");
    const [ended] = await t.database.db.select().from(sessions).where(eq(sessions.id, removeSession.id));
    assert.ok(ended.revokedAt, "the removed person's session ended at once");
    const removal = await getRequest(t, callerOf(vmA), removed.requestId!);
    assert.equal(removal.kind, "deactivate");
    assert.equal(removal.campaignLineId, removed.id);
    await assert.rejects(
      reviewLine(t, callerOf(vmA), line("Kai Keep").id, { decision: "remove" }),
      code("CONFLICT"),
    );

    const forgottenSession = await createSession(t.database.db, t, forgotten, {
      stage: "complete",
      amr: ["pwd", "otp"],
    });

    // day 1: nothing due
    t.clock.set(new Date(start.getTime() + 1 * DAY));
    assert.deepEqual(await processCampaigns(t), { reminders: 0, outcomes: 0 });
    // day 3: the periodic reminder, to each reviewer with lines still open, once
    t.clock.set(new Date(start.getTime() + 3 * DAY));
    assert.equal((await processCampaigns(t)).reminders, 3, "Alma, Bea and the launching admin");
    t.clock.advance(HOUR);
    assert.equal((await processCampaigns(t)).reminders, 0, "running again sends nothing more");
    const reminder = await t.smtp.waitFor("alma@alpha.example", /^Reminder/);
    assert.match(reminder.text, /Finn Forgotten/);
    assert.doesNotMatch(reminder.text, /Kai Keep/);

    // Bea finishes; the studio reviews Bea's own line and the Charlie line
    const bLines = await listLines(t, callerOf(vmB), campaign.id);
    await reviewLine(t, callerOf(vmB), bLines.find((l) => l.userId === bOperator.id)!.id, {
      decision: "change",
      roles: ["operator", "verifier"],
      taskTypes: ["full_qc", "verification"],
    });
    const all = await listLines(t, callerOf(admin), campaign.id);
    await reviewLine(t, callerOf(admin), all.find((l) => l.userId === vmB.id)!.id, { decision: "keep" });
    await reviewLine(t, callerOf(admin), all.find((l) => l.userId === cOperator.id)!.id, {
      decision: "keep",
    });

    // day 6: the reminder before the deadline (the day-6 periodic one is folded into it)
    t.clock.set(new Date(start.getTime() + 6 * DAY));
    assert.equal(
      (await processCampaigns(t)).reminders,
      2,
      "Alma and the admin (Alma's own line); Bea is done",
    );
    assert.deepEqual(subjects("alma@alpha.example").filter((s) => s.startsWith("Reminder")).length, 2);
    assert.equal(subjects("bea@bravo.example").filter((s) => s.startsWith("Reminder")).length, 1);
    assert.equal((await processCampaigns(t)).reminders, 0);

    // the deadline: unreviewed lines (Finn, and Alma's own) are suspended, their sessions end
    t.clock.set(new Date(start.getTime() + 7 * DAY));
    assert.deepEqual(await processCampaigns(t), { reminders: 0, outcomes: 2 });
    assert.deepEqual(await processCampaigns(t), { reminders: 0, outcomes: 0 }, "idempotent");
    assert.equal((await getPerson(t.database.db, forgotten.id)).status, "suspended");
    assert.equal((await getPerson(t.database.db, vmA.id)).status, "suspended");
    const live = await t.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, forgottenSession.id), isNull(sessions.revokedAt)));
    assert.equal(live.length, 0);
    assert.equal(
      (await getPerson(t.database.db, keepMe.id)).status,
      "active",
      "reviewed lines are untouched",
    );
    assert.equal((await getPerson(t.database.db, bOperator.id)).status, "active");
    assert.equal((await getPerson(t.database.db, removeMe.id)).status, "deactivated");
    const closed = await getCampaign(t, callerOf(admin), campaign.id);
    assert.equal(closed.status, "closed");
    const alpha = closed.progress.find((p) => p.partnerName === "Alpha Post")!;
    assert.deepEqual(
      {
        lines: alpha.lines,
        kept: alpha.kept,
        removed: alpha.removed,
        pending: alpha.pending,
        outcomeApplied: alpha.outcomeApplied,
      },
      { lines: 4, kept: 1, removed: 1, pending: 2, outcomeApplied: 2 },
    );

    // reviewing "keep" later reinstates
    await reviewLine(t, callerOf(admin), all.find((l) => l.userId === vmA.id)!.id, { decision: "keep" });
    assert.equal((await getPerson(t.database.db, vmA.id)).status, "active");
    assert.equal((await getPerson(t.database.db, forgotten.id)).status, "suspended");

    // the report: studio only, formula-safe
    await assert.rejects(campaignReportRows(t, callerOf(vmA), campaign.id), code("FORBIDDEN"));
    const report = await campaignReportRows(t, callerOf(auditor), campaign.id);
    const csv = toCsv(report.header, report.rows);
    assert.match(csv, /"'=HYPERLINK\(""http:\/\/evil\.example""\)"/);
    assert.match(
      csv,
      /"Finn Forgotten","finn@alpha\.example","download_manager operator","","vendor_manager","not reviewed"/,
    );
    assert.equal(csv.trim().split("\r\n").length, 1 + 7);

    assert.equal((await listCampaigns(t, callerOf(vmB))).length, 1);
  });
});
