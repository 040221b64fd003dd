import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/record.ts";
import { DAY } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Tx } from "../../platform/db/client.ts";
import { AppError, forbidden, notFound } from "../../platform/errors.ts";
import { partners, type Role, type UserStatus, userRoles, users } from "../directory/schema.ts";
import type { Caller } from "./caller.ts";
import { endAccess, restoreAccess } from "./identity-hooks.ts";
import { grantsOf, listPeople, type Person } from "./people.ts";
import { type AccessRequest, submitRequestIn } from "./requests.ts";
import {
  accessRequests,
  auditCampaigns,
  campaignLines,
  campaignReminders,
  type LineDecision,
  type NoResponseOutcome,
  type RequestPayload,
} from "./schema.ts";
import {
  assertSeesPartner,
  assertStudioAdmin,
  assertStudioReader,
  governanceScope,
  partnerFilter,
} from "./scope.ts";

/**
 * Account audit campaigns (DOMAIN.md identity rule 3; the Okta/SailPoint certification pattern).
 * A Studio Admin launches one over some or all partners; each line is one person as they stood at
 * launch. A partner's Vendor Manager reviews the facility's lines (keep / change / remove); a
 * Vendor Manager's own line, and every line of a partner without an active Vendor Manager, is the
 * studio's to review. Reminders and the deadline outcome are applied by processCampaigns.
 */
export type Campaign = typeof auditCampaigns.$inferSelect;
export type CampaignLine = typeof campaignLines.$inferSelect;

export interface LaunchInput {
  name: string;
  /** null: every partner */
  partnerIds: string[] | null;
  deadline: Date;
  reminderEveryDays?: number;
  reminderDaysBefore?: number;
  noResponseOutcome?: NoResponseOutcome;
}

export async function launchCampaign(ctx: AppContext, caller: Caller, input: LaunchInput): Promise<Campaign> {
  assertStudioAdmin(caller.user);
  const now = ctx.clock.now();
  if (input.deadline.getTime() <= now.getTime() + DAY) {
    throw new AppError("VALIDATION", "The deadline must be more than a day from now.");
  }
  return ctx.database.db.transaction(async (tx) => {
    const chosen = await tx
      .select()
      .from(partners)
      .where(input.partnerIds ? inArray(partners.id, input.partnerIds) : undefined)
      .orderBy(asc(partners.name));
    if (input.partnerIds && chosen.length !== new Set(input.partnerIds).size) throw notFound("A partner");
    if (chosen.length === 0) throw new AppError("VALIDATION", "Choose at least one partner.");
    const [campaign] = await tx
      .insert(auditCampaigns)
      .values({
        id: crypto.randomUUID(),
        name: input.name.trim(),
        partnerIds: chosen.map((p) => p.id),
        deadline: input.deadline,
        reminderEveryDays: input.reminderEveryDays ?? 3,
        reminderDaysBefore: input.reminderDaysBefore ?? 1,
        noResponseOutcome: input.noResponseOutcome ?? "suspend",
        status: "open",
        launchedBy: caller.user.id,
        launchedAt: now,
      })
      .returning();
    await recordAudit(tx, ctx.clock, caller.actor, {
      action: "audit_campaign.launched",
      target: { type: "audit_campaign", id: campaign.id, label: campaign.name },
      details: {
        partners: chosen.map((p) => p.name),
        deadline: campaign.deadline.toISOString(),
        reminderEveryDays: campaign.reminderEveryDays,
        reminderDaysBefore: campaign.reminderDaysBefore,
        noResponseOutcome: campaign.noResponseOutcome,
      },
    });

    const studioLines: { partner: string; person: Person }[] = [];
    for (const partner of chosen) {
      const people = await listPeople(tx, partner.id);
      const managers = people.filter((p) => p.status === "active" && p.roles.includes("vendor_manager"));
      for (const person of people) {
        const byStudio = managers.length === 0 || person.roles.includes("vendor_manager");
        if (byStudio) studioLines.push({ partner: partner.name, person });
        await tx.insert(campaignLines).values({
          id: crypto.randomUUID(),
          campaignId: campaign.id,
          partnerId: partner.id,
          userId: person.id,
          name: person.name,
          email: person.email,
          roles: person.roles,
          taskTypes: person.taskTypes,
          reviewer: byStudio ? "studio_admin" : "vendor_manager",
        });
      }
      // one mail per Vendor Manager, listing the facility's people
      for (const manager of managers) {
        await ctx.mailer.send({
          to: manager.email,
          subject: `Account audit for ${partner.name}: please review by ${day(campaign.deadline)}`,
          text: [
            `Hello ${manager.name},`,
            "",
            `The studio is confirming every account at ${partner.name} ("${campaign.name}").`,
            `Please review each person below in Loupe by ${day(campaign.deadline)}: keep, change or remove.`,
            "Your own account is reviewed by the studio.",
            `People not reviewed by then will have their access ${outcomeWords(campaign.noResponseOutcome)}.`,
            "",
            ...people.map(lineText),
            "",
            `Review: ${campaignLink(ctx, campaign.id)}`,
          ].join("\n"),
        });
      }
    }
    if (studioLines.length) {
      await ctx.mailer.send({
        to: caller.user.email,
        subject: `Account audit "${campaign.name}": ${studioLines.length} line(s) for the studio to review`,
        text: [
          `These lines are the studio's to review by ${day(campaign.deadline)}:`,
          "",
          ...studioLines.map((l) => `${l.partner}: ${lineText(l.person)}`),
          "",
          `Review: ${campaignLink(ctx, campaign.id)}`,
        ].join("\n"),
      });
    }
    return campaign;
  });
}

function lineText(p: { name: string; email: string; roles: string[]; taskTypes: string[] }): string {
  const tasks = p.taskTypes.length ? `; task types: ${p.taskTypes.join(", ")}` : "";
  return `- ${p.name} <${p.email}>: ${p.roles.join(", ") || "no role"}${tasks}`;
}

const day = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
const campaignLink = (ctx: AppContext, id: string) =>
  new URL(`/governance/campaigns/${id}`, ctx.config.publicUrl).href;
const outcomeWords = (o: NoResponseOutcome) =>
  o === "suspend"
    ? "suspended until reviewed"
    : o === "deactivate"
      ? "removed"
      : "left as it is, and reported";

export interface ReviewInput {
  decision: LineDecision;
  /** change: the roles and task types the person should hold */
  roles?: Role[];
  taskTypes?: string[];
  note?: string;
}

/**
 * Review one line. keep: confirmed (a person suspended at the deadline is reinstated); change: a
 * change request is filed (and a suspended person reinstated, since they stay); remove: a
 * deactivation request is filed, which ends their access at once.
 */
export async function reviewLine(
  ctx: AppContext,
  caller: Caller,
  lineId: string,
  input: ReviewInput,
  /** the campaign the caller addressed the line by (HTTP): another campaign's line is not found */
  campaignId?: string,
): Promise<CampaignLine> {
  const scope = governanceScope(caller.user);
  if (scope.kind === "studio" && !scope.canWrite) throw forbidden("Security Auditors have read-only access.");
  return ctx.database.db.transaction(async (tx) => {
    const [line] = await tx.select().from(campaignLines).where(eq(campaignLines.id, lineId)).for("update");
    if (!line || (campaignId && line.campaignId !== campaignId)) throw notFound("That line");
    assertSeesPartner(scope, line.partnerId, "That line");
    if (scope.kind === "partner" && line.reviewer !== "vendor_manager") {
      throw forbidden("This line is reviewed by the studio.");
    }
    if (line.decision) throw new AppError("CONFLICT", `This line was already reviewed (${line.decision}).`);
    const [person] = await tx.select({ status: users.status }).from(users).where(eq(users.id, line.userId));
    let request: AccessRequest | null = null;
    const reinstate = async () => {
      if (line.outcome === "suspend" && person.status === "suspended") {
        await restoreAccess(
          tx,
          ctx,
          caller.actor,
          line.userId,
          (line.statusBeforeOutcome as UserStatus) ?? "active",
          `reviewed in audit campaign after its deadline (${input.decision})`,
        );
        await lineAudit(tx, ctx, caller, line, "audit_campaign.person_reinstated", {});
      }
    };
    if (input.decision === "keep") {
      await reinstate();
    } else if (input.decision === "change") {
      if (!input.roles) throw new AppError("VALIDATION", "Say which roles the person should hold.");
      request = await submitRequestIn(
        tx,
        ctx,
        caller,
        {
          kind: "change_roles",
          userId: line.userId,
          roles: input.roles,
          taskTypes: input.taskTypes ?? [],
          note: input.note,
        },
        { campaignLineId: line.id },
      );
      await reinstate();
    } else if (person.status !== "deactivated") {
      request = await submitRequestIn(
        tx,
        ctx,
        caller,
        { kind: "deactivate", userId: line.userId, reason: "audit_removal", note: input.note },
        { campaignLineId: line.id },
      );
    }
    const [reviewed] = await tx
      .update(campaignLines)
      .set({
        decision: input.decision,
        decidedBy: caller.user.id,
        decidedAt: ctx.clock.now(),
        requestId: request?.id ?? null,
      })
      .where(eq(campaignLines.id, line.id))
      .returning();
    await lineAudit(tx, ctx, caller, line, "audit_campaign.line_reviewed", {
      decision: input.decision,
      requestId: request?.id ?? null,
    });
    return reviewed;
  });
}

async function lineAudit(
  tx: Tx,
  ctx: AppContext,
  caller: Pick<Caller, "actor">,
  line: CampaignLine,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, ctx.clock, caller.actor, {
    action,
    target: { type: "audit_campaign", id: line.campaignId },
    partnerId: line.partnerId,
    details: { lineId: line.id, userId: line.userId, name: line.name, ...details },
  });
}

/**
 * The campaign's periodic duty, idempotent: send the reminders that are due (each recipient gets
 * each reminder once) and, at the deadline, apply the no-response outcome to every unreviewed line.
 * Runs from the worker (platform/worker-tasks.ts) and directly in tests with a ManualClock.
 */
export async function processCampaigns(ctx: AppContext): Promise<{ reminders: number; outcomes: number }> {
  const open = await ctx.database.db.select().from(auditCampaigns).where(eq(auditCampaigns.status, "open"));
  let reminders = 0;
  let outcomes = 0;
  for (const campaign of open) {
    if (ctx.clock.now().getTime() >= campaign.deadline.getTime())
      outcomes += await closeCampaign(ctx, campaign.id);
    else reminders += await sendDueReminders(ctx, campaign);
  }
  return { reminders, outcomes };
}

/** The reminder slot due now, if any: the latest periodic one, or the one before the deadline. */
export function dueReminderSlots(campaign: Campaign, now: Date): string[] {
  const slots: string[] = [];
  const start = campaign.launchedAt.getTime();
  const end = campaign.deadline.getTime();
  const t = now.getTime();
  const beforeAt = campaign.reminderDaysBefore > 0 ? end - campaign.reminderDaysBefore * DAY : end;
  if (campaign.reminderEveryDays > 0) {
    const k = Math.floor((t - start) / (campaign.reminderEveryDays * DAY));
    // periodic reminders stop where the before-deadline reminder takes over
    if (k >= 1 && start + k * campaign.reminderEveryDays * DAY < beforeAt) slots.push(`every-${k}`);
  }
  if (campaign.reminderDaysBefore > 0 && t >= beforeAt && t < end) slots.push("before-deadline");
  return slots;
}

async function sendDueReminders(ctx: AppContext, campaign: Campaign): Promise<number> {
  const slots = dueReminderSlots(campaign, ctx.clock.now());
  if (slots.length === 0) return 0;
  const pending = await ctx.database.db
    .select()
    .from(campaignLines)
    .where(and(eq(campaignLines.campaignId, campaign.id), isNull(campaignLines.decision)));
  if (pending.length === 0) return 0;
  // who owes a review: each partner's active Vendor Managers, and the launching admin for the studio's lines
  const recipients = new Map<string, { email: string; name: string; lines: CampaignLine[] }>();
  const byPartner = Map.groupBy(
    pending.filter((l) => l.reviewer === "vendor_manager"),
    (l) => l.partnerId,
  );
  for (const [partnerId, lines] of byPartner) {
    const managers = await ctx.database.db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .innerJoin(userRoles, eq(userRoles.userId, users.id))
      .where(
        and(eq(users.partnerId, partnerId), eq(users.status, "active"), eq(userRoles.role, "vendor_manager")),
      );
    for (const m of managers) recipients.set(m.id, { email: m.email, name: m.name, lines });
  }
  const studio = pending.filter((l) => l.reviewer === "studio_admin");
  if (studio.length) {
    const [launcher] = await ctx.database.db
      .select({ id: users.id, email: users.email, name: users.name, status: users.status })
      .from(users)
      .where(eq(users.id, campaign.launchedBy));
    if (launcher?.status === "active") recipients.set(launcher.id, { ...launcher, lines: studio });
  }
  let sent = 0;
  for (const slot of slots) {
    for (const [userId, r] of recipients) {
      await ctx.database.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(campaignReminders)
          .values({ campaignId: campaign.id, recipientUserId: userId, slot, sentAt: ctx.clock.now() })
          .onConflictDoNothing()
          .returning();
        if (inserted.length === 0) return;
        // sent inside the transaction: if the mail fails, the slot is not marked and the next run retries
        await ctx.mailer.send({
          to: r.email,
          subject: `Reminder: ${r.lines.length} account(s) to review by ${day(campaign.deadline)}`,
          text: [
            `Hello ${r.name},`,
            "",
            `These accounts still wait for your review in "${campaign.name}":`,
            ...r.lines.map(lineText),
            "",
            `Unreviewed accounts will have their access ${outcomeWords(campaign.noResponseOutcome)} at ${day(campaign.deadline)}.`,
            `Review: ${campaignLink(ctx, campaign.id)}`,
          ].join("\n"),
        });
        sent++;
      });
    }
  }
  return sent;
}

/** Apply the no-response outcome to every unreviewed line and close the campaign, once. */
async function closeCampaign(ctx: AppContext, campaignId: string): Promise<number> {
  const system = { actor: { email: "system:audit-campaigns" } };
  return ctx.database.db.transaction(async (tx) => {
    const [campaign] = await tx
      .select()
      .from(auditCampaigns)
      .where(eq(auditCampaigns.id, campaignId))
      .for("update");
    if (campaign.status !== "open") return 0;
    const unreviewed = await tx
      .select()
      .from(campaignLines)
      .where(and(eq(campaignLines.campaignId, campaignId), isNull(campaignLines.decision)));
    for (const line of unreviewed) {
      const [person] = await tx.select({ status: users.status }).from(users).where(eq(users.id, line.userId));
      const outcome = campaign.noResponseOutcome;
      // suspension holds an active account; an invitation not yet accepted cannot be used to sign in
      // and is left as it is (the report shows it); deactivation applies to any live account
      const applies =
        (outcome === "suspend" && person.status === "active") ||
        (outcome === "deactivate" && person.status !== "deactivated");
      if (applies) {
        await endAccess(
          tx,
          ctx,
          system.actor,
          line.userId,
          outcome === "suspend" ? "suspended" : "deactivated",
          `not reviewed by the deadline of audit campaign "${campaign.name}"`,
        );
      }
      await tx
        .update(campaignLines)
        .set({ outcome, outcomeAt: ctx.clock.now(), statusBeforeOutcome: applies ? person.status : null })
        .where(eq(campaignLines.id, line.id));
      await lineAudit(tx, ctx, system, line, "audit_campaign.no_response_outcome", {
        outcome,
        applied: applies,
        statusBefore: person.status,
      });
    }
    await tx
      .update(auditCampaigns)
      .set({ status: "closed", closedAt: ctx.clock.now() })
      .where(eq(auditCampaigns.id, campaignId));
    await recordAudit(tx, ctx.clock, system.actor, {
      action: "audit_campaign.closed",
      target: { type: "audit_campaign", id: campaignId, label: campaign.name },
      details: { unreviewed: unreviewed.length, outcome: campaign.noResponseOutcome },
    });
    return unreviewed.length;
  });
}

export interface PartnerProgress {
  partnerId: string;
  partnerName: string;
  lines: number;
  reviewed: number;
  kept: number;
  changed: number;
  removed: number;
  pending: number;
  outcomeApplied: number;
}

export interface CampaignView extends Campaign {
  progress: PartnerProgress[];
}

export async function listCampaigns(ctx: AppContext, caller: Pick<Caller, "user">): Promise<CampaignView[]> {
  const scope = governanceScope(caller.user);
  const own = partnerFilter(scope);
  const all = await ctx.database.db.select().from(auditCampaigns).orderBy(desc(auditCampaigns.launchedAt));
  const visible = all.filter((c) => !own || c.partnerIds.includes(own));
  return Promise.all(visible.map(async (c) => ({ ...c, progress: await progressOf(ctx, c, own) })));
}

export async function getCampaign(
  ctx: AppContext,
  caller: Pick<Caller, "user">,
  id: string,
): Promise<CampaignView> {
  const scope = governanceScope(caller.user);
  const own = partnerFilter(scope);
  const [campaign] = await ctx.database.db.select().from(auditCampaigns).where(eq(auditCampaigns.id, id));
  if (!campaign || (own && !campaign.partnerIds.includes(own))) throw notFound("That campaign");
  return { ...campaign, progress: await progressOf(ctx, campaign, own) };
}

async function progressOf(
  ctx: AppContext,
  campaign: Campaign,
  own: string | null,
): Promise<PartnerProgress[]> {
  const lines = await ctx.database.db
    .select({ line: campaignLines, partnerName: partners.name })
    .from(campaignLines)
    .innerJoin(partners, eq(partners.id, campaignLines.partnerId))
    .where(
      and(eq(campaignLines.campaignId, campaign.id), own ? eq(campaignLines.partnerId, own) : undefined),
    );
  const names = await ctx.database.db
    .select({ id: partners.id, name: partners.name })
    .from(partners)
    .where(inArray(partners.id, own ? [own] : campaign.partnerIds));
  return names
    .map((p) => {
      const mine = lines.filter((l) => l.line.partnerId === p.id).map((l) => l.line);
      const count = (d: LineDecision) => mine.filter((l) => l.decision === d).length;
      return {
        partnerId: p.id,
        partnerName: p.name,
        lines: mine.length,
        reviewed: mine.filter((l) => l.decision).length,
        kept: count("keep"),
        changed: count("change"),
        removed: count("remove"),
        pending: mine.filter((l) => !l.decision).length,
        outcomeApplied: mine.filter((l) => l.outcome && l.outcome !== "none").length,
      };
    })
    .sort((a, b) => a.partnerName.localeCompare(b.partnerName));
}

export interface LineView extends CampaignLine {
  partnerName: string;
  currentStatus: UserStatus;
  currentRoles: Role[];
  currentTaskTypes: string[];
  requestStatus: string | null;
  requestPayload: RequestPayload | null;
}

/** A campaign's lines: a Vendor Manager sees their facility's (their own line read-only). */
export async function listLines(
  ctx: AppContext,
  caller: Pick<Caller, "user">,
  campaignId: string,
  filter: { partnerId?: string } = {},
): Promise<LineView[]> {
  const campaign = await getCampaign(ctx, caller, campaignId);
  const own = partnerFilter(governanceScope(caller.user));
  const partnerId = own ?? filter.partnerId;
  const rows = await ctx.database.db
    .select({ line: campaignLines, partnerName: partners.name, status: users.status })
    .from(campaignLines)
    .innerJoin(partners, eq(partners.id, campaignLines.partnerId))
    .innerJoin(users, eq(users.id, campaignLines.userId))
    .where(
      and(
        eq(campaignLines.campaignId, campaign.id),
        partnerId ? eq(campaignLines.partnerId, partnerId) : undefined,
      ),
    )
    .orderBy(asc(partners.name), asc(campaignLines.name));
  const grants = await grantsOf(
    ctx.database.db,
    rows.map((r) => r.line.userId),
  );
  const requestIds = rows.map((r) => r.line.requestId).filter((x): x is string => !!x);
  const requests = requestIds.length
    ? await ctx.database.db.select().from(accessRequests).where(inArray(accessRequests.id, requestIds))
    : [];
  return rows.map((r) => {
    const req = requests.find((q) => q.id === r.line.requestId);
    const g = grants.get(r.line.userId)!;
    return {
      ...r.line,
      partnerName: r.partnerName,
      currentStatus: r.status,
      currentRoles: g.roles,
      currentTaskTypes: g.taskTypes,
      requestStatus: req?.status ?? null,
      requestPayload: req?.payload ?? null,
    };
  });
}

/** The campaign report (studio only), one row per line, safe to open in a spreadsheet. */
export async function campaignReportRows(
  ctx: AppContext,
  caller: Pick<Caller, "user">,
  campaignId: string,
): Promise<{ campaign: Campaign; header: string[]; rows: unknown[][] }> {
  assertStudioReader(caller.user);
  const campaign = await getCampaign(ctx, caller, campaignId);
  const lines = await listLines(ctx, caller, campaignId);
  const header = [
    "partner",
    "name",
    "email",
    "roles at launch",
    "task types at launch",
    "reviewer",
    "decision",
    "decided at",
    "request",
    "request status",
    "deadline outcome",
    "status now",
  ];
  const rows = lines.map((l) => [
    l.partnerName,
    l.name,
    l.email,
    l.roles.join(" "),
    l.taskTypes.join(" "),
    l.reviewer,
    l.decision ?? "not reviewed",
    l.decidedAt,
    l.requestId,
    l.requestStatus,
    l.outcome,
    l.currentStatus,
  ]);
  return { campaign, header, rows };
}
