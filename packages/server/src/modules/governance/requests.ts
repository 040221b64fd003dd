import { and, desc, eq, ne } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { recordAudit } from "../../platform/audit/record.ts";
import { auditEvents } from "../../platform/audit/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Tx } from "../../platform/db/client.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { partners, type Role, users } from "../directory/schema.ts";
import type { Caller } from "./caller.ts";
import { setPartnerRoles, setTaskTypes, taskTypesFitting } from "./grants.ts";
import {
  canonicalEmail,
  endAccess,
  inviteAccount,
  restoreAccess,
  roleAddressReason,
} from "./identity-hooks.ts";
import { getPerson } from "./people.ts";
import {
  checkGrants,
  checkNewPerson,
  loadCatalogue,
  loadPartner,
  type Problem,
  seatProblem,
  throwIfProblems,
  verifierSeatsTaken,
} from "./request-rules.ts";
import { accessRequests, type RequestKind, type RequestPayload, type RequestStatus } from "./schema.ts";
import {
  assertSeesPartner,
  assertStudioAdmin,
  governanceScope,
  partnerFilter,
  writableScope,
} from "./scope.ts";

/**
 * The one request form: onboard a person, change their roles, change their approved task types,
 * deactivate them. A Vendor Manager submits for their own facility (a Studio Admin for any); the
 * request is validated at once and decided by a Studio Admin with a reason. A deactivation takes
 * effect when it is submitted (sessions end, downloads stop); approving it confirms it, rejecting
 * it reinstates the person's previous status. Every step is an audit event on the request.
 */
export type RequestInput =
  | {
      kind: "onboard";
      partnerId: string;
      name: string;
      email: string;
      roles: Role[];
      taskTypes: string[];
      note?: string;
    }
  /** new roles; with taskTypes, the new approved task types too (a campaign "change" asks both) */
  | { kind: "change_roles"; userId: string; roles: Role[]; taskTypes?: string[]; note?: string }
  | { kind: "change_task_types"; userId: string; taskTypes: string[]; note?: string }
  | {
      kind: "deactivate";
      userId: string;
      reason: "staff_exit" | "department_move" | "audit_removal" | "other";
      note?: string;
    };

export type AccessRequest = typeof accessRequests.$inferSelect;

export async function submitRequest(
  ctx: AppContext,
  caller: Caller,
  input: RequestInput,
  opts: { campaignLineId?: string } = {},
): Promise<AccessRequest> {
  return ctx.database.db.transaction((tx) => submitRequestIn(tx, ctx, caller, input, opts));
}

/** The same, inside the caller's transaction (a campaign review files its request with the review). */
export async function submitRequestIn(
  tx: Tx,
  ctx: AppContext,
  caller: Caller,
  input: RequestInput,
  opts: { campaignLineId?: string } = {},
): Promise<AccessRequest> {
  const scope = writableScope(caller.user);
  const now = ctx.clock.now();
  const catalogue = await loadCatalogue(tx);
  let partnerId: string;
  let subjectUserId: string | null = null;
  let subjectEmailCanonical: string | null = null;
  const payload: RequestPayload = { note: input.note?.trim() || undefined };

  if (input.kind === "onboard") {
    assertSeesPartner(scope, input.partnerId, "That partner");
    const partner = await loadPartner(tx, input.partnerId);
    if (!partner) throw notFound("That partner");
    partnerId = partner.id;
    const problems: Problem[] = [
      ...(await checkNewPerson(tx, partner, input)),
      ...checkGrants(catalogue, input),
    ];
    if (input.roles.includes("verifier")) {
      const p = seatProblem(partner, await verifierSeatsTaken(tx, partner.id));
      if (p) problems.push(p);
    }
    throwIfProblems(problems);
    subjectEmailCanonical = canonicalEmail(input.email);
    Object.assign(payload, {
      name: input.name.trim(),
      email: input.email.trim(),
      roles: [...new Set(input.roles)],
      taskTypes: [...new Set(input.taskTypes)],
    });
  } else {
    const subject = await getPerson(tx, input.userId).catch(() => null);
    if (!subject) throw notFound("That person");
    assertSeesPartner(scope, subject.partnerId, "That person");
    partnerId = subject.partnerId!;
    subjectUserId = subject.id;
    if (subject.status === "deactivated") {
      throw new AppError("CONFLICT", `${subject.name} is already deactivated.`);
    }
    if (input.kind !== "deactivate") {
      const [open] = await tx
        .select({ id: accessRequests.id })
        .from(accessRequests)
        .where(and(eq(accessRequests.subjectUserId, subject.id), eq(accessRequests.status, "pending")));
      if (open) {
        throw new AppError(
          "CONFLICT",
          `${subject.name} already has an open request; wait for the studio's decision.`,
        );
      }
    }
    if (input.kind === "change_roles") {
      const partner = (await loadPartner(tx, partnerId))!;
      const roles = [...new Set(input.roles)];
      const taskTypes = input.taskTypes ? [...new Set(input.taskTypes)] : undefined;
      const problems = checkGrants(catalogue, { roles, taskTypes: taskTypes ?? [] });
      problems.push(...(await roleAddressProblems(tx, subject.email, subject.roles, roles)));
      if (roles.includes("verifier") && !subject.roles.includes("verifier")) {
        const p = seatProblem(partner, await verifierSeatsTaken(tx, partnerId));
        if (p) problems.push(p);
      }
      throwIfProblems(problems);
      payload.roles = roles;
      payload.taskTypes = taskTypes;
    } else if (input.kind === "change_task_types") {
      const taskTypes = [...new Set(input.taskTypes)];
      throwIfProblems(checkGrants(catalogue, { roles: subject.roles, taskTypes }));
      payload.taskTypes = taskTypes;
    } else {
      if (subject.id === caller.user.id) {
        throw new AppError("BAD_REQUEST", "You cannot deactivate your own account; ask the studio.");
      }
      payload.deactivationReason = input.reason;
      payload.previousStatus = subject.status;
    }
  }

  const [request] = await tx
    .insert(accessRequests)
    .values({
      id: crypto.randomUUID(),
      partnerId,
      kind: input.kind,
      status: "pending",
      subjectUserId,
      subjectEmailCanonical,
      payload,
      submittedBy: caller.user.id,
      submittedAt: now,
      campaignLineId: opts.campaignLineId ?? null,
    })
    .returning();
  await audit(tx, ctx, caller, request, "access_request.submitted", { kind: input.kind, payload });

  if (input.kind === "deactivate") {
    // effective now, before anyone decides: the person's sessions end and downloads stop
    await endAccess(
      tx,
      ctx,
      caller.actor,
      subjectUserId!,
      "deactivated",
      `deactivation request (${input.reason.replace("_", " ")})${input.note ? `: ${input.note}` : ""}`,
    );
    await audit(tx, ctx, caller, request, "access_request.deactivation_applied", {
      userId: subjectUserId,
      reason: input.reason,
    });
    const superseded = await tx
      .update(accessRequests)
      .set({ status: "superseded", decidedAt: now, decisionReason: "the person was deactivated" })
      .where(
        and(
          eq(accessRequests.subjectUserId, subjectUserId!),
          eq(accessRequests.status, "pending"),
          ne(accessRequests.id, request.id),
        ),
      )
      .returning();
    for (const s of superseded)
      await audit(tx, ctx, caller, s, "access_request.superseded", { by: request.id });
  }
  return request;
}

/** Granting a role to a role or group address is refused, whoever asks (roles already held stay). */
async function roleAddressProblems(tx: Tx, email: string, current: Role[], next: Role[]): Promise<Problem[]> {
  if (!next.some((r) => !current.includes(r))) return [];
  const why = await roleAddressReason(tx, email);
  if (!why) return [];
  return [
    {
      code: "ROLE_ADDRESS",
      field: "email",
      message: `${why}: no role can be granted to it. Onboard the person under their own address instead.`,
    },
  ];
}

async function loadForDecision(tx: Tx, id: string): Promise<AccessRequest> {
  const [request] = await tx.select().from(accessRequests).where(eq(accessRequests.id, id)).for("update");
  if (!request) throw notFound("That request");
  if (request.status !== "pending") {
    throw new AppError("CONFLICT", `This request is already ${request.status}.`);
  }
  return request;
}

/** A Studio Admin approves: the change is made now (for a deactivation, confirmed). */
export async function approveRequest(
  ctx: AppContext,
  caller: Caller,
  id: string,
  reason?: string,
): Promise<AccessRequest> {
  assertStudioAdmin(caller.user);
  return ctx.database.db.transaction(async (tx) => {
    const request = await loadForDecision(tx, id);
    const partner = await loadPartner(tx, request.partnerId);
    if (!partner) throw notFound("That partner");
    const catalogue = await loadCatalogue(tx);
    const p = request.payload;
    let subjectUserId = request.subjectUserId;

    if (request.kind === "onboard") {
      // the rules are checked again: the directory may have changed since submission
      const problems = [
        ...(await checkNewPerson(tx, partner, { name: p.name!, email: p.email! }, request.id)),
        ...checkGrants(catalogue, { roles: p.roles!, taskTypes: p.taskTypes! }),
      ];
      if (p.roles!.includes("verifier")) {
        const seat = seatProblem(partner, await verifierSeatsTaken(tx, partner.id, request.id));
        if (seat) problems.push(seat);
      }
      throwIfProblems(problems);
      const { userId } = await inviteAccount(tx, ctx, caller.actor, {
        email: p.email!,
        name: p.name!,
        partnerId: partner.id,
        roles: p.roles as Role[],
      });
      subjectUserId = userId;
      await setTaskTypes(tx, ctx.clock, caller.user.id, userId, p.taskTypes!);
      await audit(tx, ctx, caller, request, "access_request.account_invited", {
        userId,
        roles: p.roles,
        taskTypes: p.taskTypes,
      });
    } else if (request.kind === "change_roles" || request.kind === "change_task_types") {
      const subject = await getPerson(tx, request.subjectUserId!);
      if (subject.status === "deactivated") {
        throw new AppError("CONFLICT", `${subject.name} is deactivated; reject this request.`);
      }
      if (request.kind === "change_roles") {
        const roles = p.roles as Role[];
        const problems = [
          ...checkGrants(catalogue, { roles, taskTypes: p.taskTypes ?? [] }),
          ...(await roleAddressProblems(tx, subject.email, subject.roles, roles)),
        ];
        if (roles.includes("verifier") && !subject.roles.includes("verifier")) {
          const seat = seatProblem(partner, await verifierSeatsTaken(tx, partner.id, request.id));
          if (seat) problems.push(seat);
        }
        throwIfProblems(problems);
        const roleChange = await setPartnerRoles(tx, ctx.clock, caller.user.id, subject.id, roles);
        const keep = taskTypesFitting(catalogue, roles, p.taskTypes ?? subject.taskTypes);
        const taskChange = await setTaskTypes(tx, ctx.clock, caller.user.id, subject.id, keep);
        await audit(tx, ctx, caller, request, "access_request.roles_changed", {
          userId: subject.id,
          ...roleChange,
          taskTypes: taskChange,
        });
      } else {
        throwIfProblems(checkGrants(catalogue, { roles: subject.roles, taskTypes: p.taskTypes! }));
        const change = await setTaskTypes(tx, ctx.clock, caller.user.id, subject.id, p.taskTypes!);
        await audit(tx, ctx, caller, request, "access_request.task_types_changed", {
          userId: subject.id,
          ...change,
        });
      }
    }
    const [decided] = await tx
      .update(accessRequests)
      .set({
        status: "approved",
        subjectUserId,
        decidedBy: caller.user.id,
        decidedAt: ctx.clock.now(),
        decisionReason: reason?.trim() || null,
      })
      .where(eq(accessRequests.id, id))
      .returning();
    await audit(tx, ctx, caller, decided, "access_request.approved", { reason: reason?.trim() || null });
    return decided;
  });
}

/**
 * A Studio Admin rejects, with a reason. Rejecting a deactivation reinstates the person with the
 * status they had (if they are still deactivated); their old sessions stay ended.
 */
export async function rejectRequest(
  ctx: AppContext,
  caller: Caller,
  id: string,
  reason: string,
): Promise<AccessRequest> {
  assertStudioAdmin(caller.user);
  if (!reason.trim()) throw new AppError("VALIDATION", "Give a reason for the rejection.");
  return ctx.database.db.transaction(async (tx) => {
    const request = await loadForDecision(tx, id);
    if (request.kind === "deactivate") {
      const subject = await getPerson(tx, request.subjectUserId!);
      if (subject.status === "deactivated") {
        const previous = request.payload.previousStatus ?? "active";
        await restoreAccess(
          tx,
          ctx,
          caller.actor,
          subject.id,
          previous,
          `deactivation request rejected: ${reason.trim()}`,
        );
        await audit(tx, ctx, caller, request, "access_request.reinstated", {
          userId: subject.id,
          status: previous,
        });
      }
    }
    const [decided] = await tx
      .update(accessRequests)
      .set({
        status: "rejected",
        decidedBy: caller.user.id,
        decidedAt: ctx.clock.now(),
        decisionReason: reason.trim(),
      })
      .where(eq(accessRequests.id, id))
      .returning();
    await audit(tx, ctx, caller, decided, "access_request.rejected", { reason: reason.trim() });
    return decided;
  });
}

async function audit(
  tx: Tx,
  ctx: AppContext,
  caller: Caller,
  request: AccessRequest,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, ctx.clock, caller.actor, {
    action,
    target: { type: "access_request", id: request.id, label: `${request.kind} request` },
    partnerId: request.partnerId,
    details,
  });
}

/** A request as lists and the request page show it. */
export interface RequestView {
  id: string;
  partnerId: string;
  partnerName: string;
  kind: RequestKind;
  status: RequestStatus;
  subjectUserId: string | null;
  subjectName: string;
  subjectEmail: string;
  payload: RequestPayload;
  submittedBy: { id: string; name: string };
  submittedAt: Date;
  decidedBy: { id: string; name: string } | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  campaignLineId: string | null;
}

const submitter = alias(users, "submitter");
const decider = alias(users, "decider");
const subject = alias(users, "subject");

export async function listRequests(
  ctx: AppContext,
  caller: Pick<Caller, "user">,
  filter: { status?: RequestStatus; partnerId?: string; limit?: number } = {},
): Promise<RequestView[]> {
  const scope = governanceScope(caller.user);
  const own = partnerFilter(scope);
  if (own && filter.partnerId && filter.partnerId !== own) return [];
  const rows = await selectViews(ctx)
    .where(
      and(
        own || filter.partnerId ? eq(accessRequests.partnerId, (own ?? filter.partnerId)!) : undefined,
        filter.status ? eq(accessRequests.status, filter.status) : undefined,
      ),
    )
    .orderBy(desc(accessRequests.submittedAt))
    .limit(filter.limit ?? 500);
  return rows.map(toView);
}

export async function getRequest(
  ctx: AppContext,
  caller: Pick<Caller, "user">,
  id: string,
): Promise<RequestView & { history: RequestHistoryEntry[] }> {
  const scope = governanceScope(caller.user);
  const [row] = await selectViews(ctx).where(eq(accessRequests.id, id));
  if (!row) throw notFound("That request");
  assertSeesPartner(scope, row.r.partnerId, "That request");
  const events = await ctx.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, "access_request"), eq(auditEvents.targetId, id)))
    .orderBy(auditEvents.seq);
  return {
    ...toView(row),
    history: events.map((e) => ({
      at: e.at,
      action: e.action,
      actorEmail: e.actorEmail,
      details: e.details,
    })),
  };
}

export interface RequestHistoryEntry {
  at: Date;
  action: string;
  actorEmail: string | null;
  details: Record<string, unknown> | null;
}

function selectViews(ctx: AppContext) {
  return ctx.database.db
    .select({
      r: accessRequests,
      partnerName: partners.name,
      submitter: { id: submitter.id, name: submitter.name },
      decider: { id: decider.id, name: decider.name },
      subject: { name: subject.name, email: subject.email },
    })
    .from(accessRequests)
    .innerJoin(partners, eq(partners.id, accessRequests.partnerId))
    .innerJoin(submitter, eq(submitter.id, accessRequests.submittedBy))
    .leftJoin(decider, eq(decider.id, accessRequests.decidedBy))
    .leftJoin(subject, eq(subject.id, accessRequests.subjectUserId))
    .$dynamic();
}

function toView(row: Awaited<ReturnType<ReturnType<typeof selectViews>["execute"]>>[number]): RequestView {
  const r = row.r;
  return {
    id: r.id,
    partnerId: r.partnerId,
    partnerName: row.partnerName,
    kind: r.kind,
    status: r.status,
    subjectUserId: r.subjectUserId,
    subjectName: row.subject?.name ?? r.payload.name ?? "",
    subjectEmail: row.subject?.email ?? r.payload.email ?? "",
    payload: r.payload,
    submittedBy: row.submitter,
    submittedAt: r.submittedAt,
    decidedBy: row.decider?.id ? { id: row.decider.id, name: row.decider.name } : null,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
    campaignLineId: r.campaignLineId,
  };
}
