/**
 * The governance part of `npm run demo`, called by load-demo.ts inside its transaction once the
 * partners and people exist: each operator's and verifier's approved task types, verifier seats,
 * one open onboarding request from a Vendor Manager, and one account audit campaign under way
 * (no mail is sent: the demo has no mailbox; the campaign page shows the lines).
 */
import { eq, inArray } from "drizzle-orm";
import { partners, users, userTaskTypes } from "../modules/directory/schema.ts";
import { grantsOf } from "../modules/governance/people.ts";
import { accessRequests, auditCampaigns, campaignLines } from "../modules/governance/schema.ts";
import { canonicalEmail } from "../modules/identity/email-address.ts";
import { recordAudit } from "../platform/audit/record.ts";
import { type Clock, DAY } from "../platform/clock.ts";
import type { Tx } from "../platform/db/client.ts";

/** approved task types by person (DOMAIN.md "QC work"); verifiers also hold Verification */
const TASK_TYPES: Record<string, string[]> = {
  "jonah.pierce@northlightpost.example": ["full_qc", "spot_qc", "download_fix_check"],
  "priya.raman@northlightpost.example": ["full_qc", "spot_qc", "fix_check", "audio_qc"],
  "tomas.okafor@northlightpost.example": ["full_qc", "verification"],
  "kenji.watanabe@kestrelmedia.example": ["spot_qc", "me_spot_check"],
  "leila.haddad@kestrelmedia.example": ["audio_qc", "verification"],
  "sam.oyelaran@hanover-sp.example": ["audio_qc", "spot_qc"],
};

export async function loadGovernanceDemo(tx: Tx, clock: Clock): Promise<string[]> {
  const now = clock.now();
  const byEmail = async (email: string) => {
    const [u] = await tx
      .select()
      .from(users)
      .where(eq(users.emailCanonical, canonicalEmail(email)));
    if (!u) throw new Error(`demo: ${email} is not in DEMO_PEOPLE`);
    return u;
  };
  const admin = await byEmail("alex.morgan@studio.example");
  const system = { userId: admin.id, email: admin.email };

  for (const [email, types] of Object.entries(TASK_TYPES)) {
    const u = await byEmail(email);
    await tx
      .insert(userTaskTypes)
      .values(types.map((taskType) => ({ userId: u.id, taskType, grantedAt: now })));
  }
  const kestrel = await byEmail("diego.alvarez@kestrelmedia.example");
  await tx.update(partners).set({ verifierSeats: 1 }).where(eq(partners.id, kestrel.partnerId!));

  // an onboarding Maren submitted this morning, waiting for the studio
  const maren = await byEmail("maren.holt@northlightpost.example");
  const requestId = crypto.randomUUID();
  const payload = {
    name: "Hana Sato",
    email: "hana.sato@northlightpost.example",
    roles: ["operator"],
    taskTypes: ["spot_qc", "fix_check"],
    note: "Joins the Data I/O team on Monday; replaces the old dataio@ list for downloads later.",
  };
  await tx.insert(accessRequests).values({
    id: requestId,
    partnerId: maren.partnerId!,
    kind: "onboard",
    status: "pending",
    subjectEmailCanonical: canonicalEmail(payload.email),
    payload,
    submittedBy: maren.id,
    submittedAt: new Date(now.getTime() - 3 * 3_600_000),
  });
  await recordAudit(
    tx,
    clock,
    { userId: maren.id, email: maren.email },
    {
      action: "access_request.submitted",
      target: { type: "access_request", id: requestId, label: "onboard request" },
      partnerId: maren.partnerId,
      details: { kind: "onboard", payload },
    },
  );

  // the account audit, launched four days ago, two weeks to go; Diego has reviewed one line
  const all = await tx.select().from(partners);
  const campaignId = crypto.randomUUID();
  const launchedAt = new Date(now.getTime() - 4 * DAY);
  await tx.insert(auditCampaigns).values({
    id: campaignId,
    name: "Partner account audit 2027",
    partnerIds: all.map((p) => p.id),
    deadline: new Date(launchedAt.getTime() + 18 * DAY),
    reminderEveryDays: 3,
    reminderDaysBefore: 1,
    noResponseOutcome: "suspend",
    status: "open",
    launchedBy: admin.id,
    launchedAt,
  });
  await recordAudit(tx, clock, system, {
    action: "audit_campaign.launched",
    target: { type: "audit_campaign", id: campaignId, label: "Partner account audit 2027" },
    details: { partners: all.map((p) => p.name) },
  });
  const people = await tx
    .select()
    .from(users)
    .where(
      inArray(
        users.partnerId,
        all.map((p) => p.id),
      ),
    );
  const grants = await grantsOf(
    tx,
    people.map((p) => p.id),
  );
  const kenji = await byEmail("kenji.watanabe@kestrelmedia.example");
  for (const p of people) {
    const g = grants.get(p.id)!;
    const reviewed = p.id === kenji.id;
    await tx.insert(campaignLines).values({
      id: crypto.randomUUID(),
      campaignId,
      partnerId: p.partnerId!,
      userId: p.id,
      name: p.name,
      email: p.email,
      roles: g.roles,
      taskTypes: g.taskTypes,
      reviewer: g.roles.includes("vendor_manager") ? "studio_admin" : "vendor_manager",
      decision: reviewed ? "keep" : null,
      decidedBy: reviewed ? kestrel.id : null,
      decidedAt: reviewed ? new Date(launchedAt.getTime() + DAY) : null,
    });
  }
  return [
    `Approved task types for ${Object.keys(TASK_TYPES).length} operators and verifiers; Kestrel has 1 verifier seat.`,
    "One open onboarding request (Maren Holt for Hana Sato at Northlight Post) waits for the Studio Admin.",
    `Account audit "Partner account audit 2027" is under way: ${people.length} lines, deadline in 14 days.`,
  ];
}
