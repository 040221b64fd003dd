import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { actorOf } from "../../platform/http/request-meta.ts";
import { ROLES, USER_STATUSES } from "../directory/schema.ts";
import { authFrom, requireAuth, requireRole } from "../identity/guards.ts";
import { importPeople } from "./bulk-import.ts";
import type { Caller } from "./caller.ts";
import {
  campaignReportRows,
  getCampaign,
  launchCampaign,
  listCampaigns,
  listLines,
  reviewLine,
} from "./campaigns.ts";
import { toCsv } from "./csv.ts";
import { mfaAdoption, sendMfaReminders } from "./mfa-adoption.ts";
import {
  createPartner,
  getPartner,
  listPartners,
  listTaskTypes,
  saveTaskType,
  updatePartner,
} from "./partners.ts";
import { listPeople } from "./people.ts";
import { approveRequest, getRequest, listRequests, rejectRequest, submitRequest } from "./requests.ts";
import { LINE_DECISIONS, NO_RESPONSE_OUTCOMES, REQUEST_KINDS, REQUEST_STATUSES } from "./schema.ts";

/**
 * Partner access governance over HTTP. Every route needs a complete session; who may do what is
 * decided in the services (scope.ts): 403 for a route a role may never use, 404 for another
 * partner's object. The authorization matrix test (authorization-matrix.test.ts) holds each route's
 * expected policy.
 */
const caller = (req: FastifyRequest): Caller => ({ user: authFrom(req).user, actor: actorOf(req) });

const ZId = z.object({ id: z.uuid() });
const ZPartnerId = z.object({ partnerId: z.uuid() });
const ZDate = z.iso.date();
const ZPartnerRole = z.enum(["vendor_manager", "download_manager", "operator", "verifier"]);
const ZTaskKey = z.string().trim().min(1).max(64);
const ZNote = z.string().trim().max(2000).optional();

const ZPartner = z.object({
  id: z.string(),
  name: z.string(),
  allowedDomains: z.array(z.string()),
  contactName: z.string().nullable(),
  contactEmail: z.string().nullable(),
  verifierSeats: z.number(),
  verifierSeatsTaken: z.number(),
  mfaEnforcementDate: z.string().nullable(),
  people: z.number(),
});
const ZPartnerInput = z.object({
  name: z.string().trim().min(1).max(200),
  allowedDomains: z.array(z.string().trim().min(3).max(253)).max(50),
  contactName: z.string().trim().max(200).nullable().optional(),
  contactEmail: z.email().nullable().optional(),
  verifierSeats: z.number().int().min(0).max(100).optional(),
  mfaEnforcementDate: ZDate.nullable().optional(),
});
const ZPerson = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  status: z.enum(USER_STATUSES),
  roles: z.array(z.enum(ROLES)),
  taskTypes: z.array(z.string()),
});
const ZTaskType = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  requiresRole: z.enum(["verifier"]).nullable(),
  sortOrder: z.number(),
  active: z.boolean(),
});
const ZPayload = z.object({
  name: z.string().optional(),
  email: z.string().optional(),
  roles: z.array(z.string()).optional(),
  taskTypes: z.array(z.string()).optional(),
  deactivationReason: z.string().optional(),
  note: z.string().optional(),
  previousStatus: z.string().optional(),
});
const ZRequest = z.object({
  id: z.string(),
  partnerId: z.string(),
  partnerName: z.string(),
  kind: z.enum(REQUEST_KINDS),
  status: z.enum(REQUEST_STATUSES),
  subjectUserId: z.string().nullable(),
  subjectName: z.string(),
  subjectEmail: z.string(),
  payload: ZPayload,
  submittedBy: z.object({ id: z.string(), name: z.string() }),
  submittedAt: z.date(),
  decidedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  decidedAt: z.date().nullable(),
  decisionReason: z.string().nullable(),
  campaignLineId: z.string().nullable(),
});
const ZDecided = z.object({ id: z.string(), status: z.enum(REQUEST_STATUSES) });
const ZRequestInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("onboard"),
    partnerId: z.uuid(),
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().min(3).max(254),
    roles: z.array(ZPartnerRole).max(4),
    taskTypes: z.array(ZTaskKey).max(50).default([]),
    note: ZNote,
  }),
  z.object({
    kind: z.literal("change_roles"),
    userId: z.uuid(),
    roles: z.array(ZPartnerRole).max(4),
    taskTypes: z.array(ZTaskKey).max(50).optional(),
    note: ZNote,
  }),
  z.object({
    kind: z.literal("change_task_types"),
    userId: z.uuid(),
    taskTypes: z.array(ZTaskKey).max(50),
    note: ZNote,
  }),
  z.object({
    kind: z.literal("deactivate"),
    userId: z.uuid(),
    reason: z.enum(["staff_exit", "department_move", "other"]),
    note: ZNote,
  }),
]);
const ZProgress = z.object({
  partnerId: z.string(),
  partnerName: z.string(),
  lines: z.number(),
  reviewed: z.number(),
  kept: z.number(),
  changed: z.number(),
  removed: z.number(),
  pending: z.number(),
  outcomeApplied: z.number(),
});
const ZCampaign = z.object({
  id: z.string(),
  name: z.string(),
  partnerIds: z.array(z.string()),
  deadline: z.date(),
  reminderEveryDays: z.number(),
  reminderDaysBefore: z.number(),
  noResponseOutcome: z.enum(NO_RESPONSE_OUTCOMES),
  status: z.enum(["open", "closed"]),
  launchedAt: z.date(),
  closedAt: z.date().nullable(),
  progress: z.array(ZProgress),
});
const ZLine = z.object({
  id: z.string(),
  partnerId: z.string(),
  partnerName: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  taskTypes: z.array(z.string()),
  reviewer: z.enum(["vendor_manager", "studio_admin"]),
  decision: z.enum(LINE_DECISIONS).nullable(),
  decidedAt: z.date().nullable(),
  requestId: z.string().nullable(),
  requestStatus: z.string().nullable(),
  outcome: z.enum(NO_RESPONSE_OUTCOMES).nullable(),
  currentStatus: z.enum(USER_STATUSES),
  currentRoles: z.array(z.string()),
  currentTaskTypes: z.array(z.string()),
});
const ZProblem = z.object({ code: z.string(), field: z.string(), message: z.string() });
const ZHistory = z.object({
  at: z.date(),
  action: z.string(),
  actorEmail: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export async function governanceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["governance"];
  // Role gates run before the body is validated, so a caller without the role learns nothing from
  // validation errors; the services then apply the partner scope (404 for another partner's object).
  const signedIn = { preValidation: requireAuth() };
  const readers = { preValidation: requireRole("studio_admin", "security_auditor", "vendor_manager") };
  const writers = { preValidation: requireRole("studio_admin", "vendor_manager") };
  const studio = { preValidation: requireRole("studio_admin", "security_auditor") };
  const admin = { preValidation: requireRole("studio_admin") };

  // --- directory: task types, partners, people -------------------------------------------------
  api.get(
    "/governance/task-types",
    {
      ...signedIn,
      schema: {
        tags,
        summary: "The QC task type catalogue",
        response: { 200: z.object({ taskTypes: z.array(ZTaskType) }) },
      },
    },
    async () => ({ taskTypes: await listTaskTypes(ctx) }),
  );

  api.put(
    "/governance/task-types/:key",
    {
      ...admin,
      schema: {
        tags,
        summary: "Add or change a task type (Studio Admin)",
        params: z.object({ key: z.string().regex(/^[a-z0-9_]{2,64}$/) }),
        body: z.object({
          name: z.string().trim().min(1).max(100),
          description: z.string().trim().min(1).max(2000),
          requiresRole: z.enum(["verifier"]).nullable().optional(),
          active: z.boolean().optional(),
        }),
        response: { 200: ZTaskType },
      },
    },
    async (req) => saveTaskType(ctx, caller(req), { key: req.params.key, ...req.body }),
  );

  api.get(
    "/governance/partners",
    {
      ...readers,
      schema: {
        tags,
        summary: "Partners (a Vendor Manager sees only their own)",
        response: { 200: z.object({ partners: z.array(ZPartner) }) },
      },
    },
    async (req) => ({ partners: await listPartners(ctx, caller(req)) }),
  );

  api.post(
    "/governance/partners",
    {
      ...admin,
      schema: {
        tags,
        summary: "Add a partner (Studio Admin)",
        body: ZPartnerInput,
        response: { 200: ZPartner },
      },
    },
    async (req) => createPartner(ctx, caller(req), req.body),
  );

  api.get(
    "/governance/partners/:partnerId",
    {
      ...readers,
      schema: { tags, summary: "One partner", params: ZPartnerId, response: { 200: ZPartner } },
    },
    async (req) => getPartner(ctx, caller(req), req.params.partnerId),
  );

  api.patch(
    "/governance/partners/:partnerId",
    {
      ...admin,
      schema: {
        tags,
        summary: "Change a partner: domains, contact, verifier seats, MFA enforcement date (Studio Admin)",
        params: ZPartnerId,
        body: ZPartnerInput.partial(),
        response: { 200: ZPartner },
      },
    },
    async (req) => updatePartner(ctx, caller(req), req.params.partnerId, req.body),
  );

  api.get(
    "/governance/partners/:partnerId/people",
    {
      ...readers,
      schema: {
        tags,
        summary: "A partner's people with roles and approved task types",
        params: ZPartnerId,
        querystring: z.object({ includeDeactivated: z.stringbool().optional() }),
        response: { 200: z.object({ people: z.array(ZPerson) }) },
      },
    },
    async (req) => {
      const c = caller(req);
      await getPartner(ctx, c, req.params.partnerId);
      return { people: await listPeople(ctx.database.db, req.params.partnerId, req.query) };
    },
  );

  // --- MFA rollout ------------------------------------------------------------------------------
  api.get(
    "/governance/mfa-adoption",
    {
      ...studio,
      schema: {
        tags,
        summary: "MFA adoption per partner (studio)",
        response: {
          200: z.object({
            partners: z.array(
              z.object({
                partnerId: z.string(),
                partnerName: z.string(),
                mfaEnforcementDate: z.string().nullable(),
                users: z.number(),
                enrolled: z.number(),
                notEnrolled: z.number(),
                byType: z.object({ totp: z.number(), oath: z.number(), webauthn: z.number() }),
                oneFactorOnly: z.number(),
                withRecoveryCodes: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ partners: await mfaAdoption(ctx, caller(req)) }),
  );

  api.post(
    "/governance/partners/:partnerId/mfa-reminders",
    {
      ...admin,
      schema: {
        tags,
        summary: "Mail each of the partner's people not yet enrolled in MFA (Studio Admin)",
        params: ZPartnerId,
        response: { 200: z.object({ sent: z.number() }) },
      },
    },
    async (req) => sendMfaReminders(ctx, caller(req), req.params.partnerId),
  );

  // --- the request form -------------------------------------------------------------------------
  api.get(
    "/governance/requests",
    {
      ...readers,
      schema: {
        tags,
        summary: "Requests (a Vendor Manager sees their facility's)",
        querystring: z.object({
          status: z.enum(REQUEST_STATUSES).optional(),
          partnerId: z.uuid().optional(),
        }),
        response: { 200: z.object({ requests: z.array(ZRequest) }) },
      },
    },
    async (req) => ({ requests: await listRequests(ctx, caller(req), req.query) }),
  );

  api.post(
    "/governance/requests",
    {
      ...writers,
      schema: {
        tags,
        summary: "Submit a request: onboard, change roles, change task types, deactivate (effective at once)",
        body: ZRequestInput,
        response: { 200: z.object({ id: z.string(), status: z.enum(REQUEST_STATUSES) }) },
      },
    },
    async (req) => {
      const r = await submitRequest(ctx, caller(req), req.body as Parameters<typeof submitRequest>[2]);
      return { id: r.id, status: r.status };
    },
  );

  api.get(
    "/governance/requests/:id",
    {
      ...readers,
      schema: {
        tags,
        summary: "One request with its history",
        params: ZId,
        response: { 200: ZRequest.extend({ history: z.array(ZHistory) }) },
      },
    },
    async (req) => getRequest(ctx, caller(req), req.params.id),
  );

  api.post(
    "/governance/requests/:id/approve",
    {
      ...admin,
      schema: {
        tags,
        summary: "Approve a request (Studio Admin)",
        params: ZId,
        body: z.object({ reason: z.string().trim().max(2000).optional() }).default({}),
        response: { 200: ZDecided },
      },
    },
    async (req) => approveRequest(ctx, caller(req), req.params.id, req.body.reason),
  );

  api.post(
    "/governance/requests/:id/reject",
    {
      ...admin,
      schema: {
        tags,
        summary: "Reject a request with a reason (Studio Admin); a rejected deactivation reinstates",
        params: ZId,
        body: z.object({ reason: z.string().trim().min(1).max(2000) }),
        response: { 200: ZDecided },
      },
    },
    async (req) => rejectRequest(ctx, caller(req), req.params.id, req.body.reason),
  );

  // --- account audit campaigns ------------------------------------------------------------------
  api.get(
    "/governance/campaigns",
    {
      ...readers,
      schema: {
        tags,
        summary: "Audit campaigns with progress per partner",
        response: { 200: z.object({ campaigns: z.array(ZCampaign) }) },
      },
    },
    async (req) => ({ campaigns: await listCampaigns(ctx, caller(req)) }),
  );

  api.post(
    "/governance/campaigns",
    {
      ...admin,
      schema: {
        tags,
        summary: "Launch an audit campaign (Studio Admin)",
        body: z.object({
          name: z.string().trim().min(1).max(200),
          partnerIds: z.array(z.uuid()).min(1).nullable(),
          deadline: z.iso.datetime({ offset: true }),
          reminderEveryDays: z.number().int().min(0).max(60).optional(),
          reminderDaysBefore: z.number().int().min(0).max(30).optional(),
          noResponseOutcome: z.enum(NO_RESPONSE_OUTCOMES).optional(),
        }),
        response: { 200: ZCampaign },
      },
    },
    async (req) => {
      const c = caller(req);
      const launched = await launchCampaign(ctx, c, { ...req.body, deadline: new Date(req.body.deadline) });
      return getCampaign(ctx, c, launched.id);
    },
  );

  api.get(
    "/governance/campaigns/:id",
    {
      ...readers,
      schema: { tags, summary: "One campaign", params: ZId, response: { 200: ZCampaign } },
    },
    async (req) => getCampaign(ctx, caller(req), req.params.id),
  );

  api.get(
    "/governance/campaigns/:id/lines",
    {
      ...readers,
      schema: {
        tags,
        summary: "A campaign's lines (a Vendor Manager sees their facility's)",
        params: ZId,
        querystring: z.object({ partnerId: z.uuid().optional() }),
        response: { 200: z.object({ lines: z.array(ZLine) }) },
      },
    },
    async (req) => ({ lines: await listLines(ctx, caller(req), req.params.id, req.query) }),
  );

  api.post(
    "/governance/campaigns/:id/lines/:lineId/review",
    {
      ...writers,
      schema: {
        tags,
        summary: "Review a line: keep, change (files a change request) or remove (deactivates at once)",
        params: z.object({ id: z.uuid(), lineId: z.uuid() }),
        body: z.object({
          decision: z.enum(LINE_DECISIONS),
          roles: z.array(ZPartnerRole).max(4).optional(),
          taskTypes: z.array(ZTaskKey).max(50).optional(),
          note: ZNote,
        }),
        response: {
          200: z.object({
            id: z.string(),
            decision: z.enum(LINE_DECISIONS).nullable(),
            requestId: z.string().nullable(),
          }),
        },
      },
    },
    async (req) =>
      reviewLine(
        ctx,
        caller(req),
        req.params.lineId,
        req.body as Parameters<typeof reviewLine>[3],
        req.params.id,
      ),
  );

  api.get(
    "/governance/campaigns/:id/report.csv",
    {
      ...studio,
      schema: { tags, summary: "The campaign report as CSV (studio)", params: ZId },
    },
    async (req, reply) => {
      const report = await campaignReportRows(ctx, caller(req), req.params.id);
      const file = `${report.campaign.name.replace(/[^A-Za-z0-9-]+/g, "-")}.csv`;
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${file}"`)
        .send(toCsv(report.header, report.rows));
    },
  );

  // --- bulk import ------------------------------------------------------------------------------
  api.post(
    "/governance/import",
    {
      ...admin,
      schema: {
        tags,
        summary: "Import people from CSV: a dry run reports, apply creates the valid rows (Studio Admin)",
        body: z.object({ csv: z.string().min(1).max(2_000_000), apply: z.boolean().default(false) }),
        response: {
          200: z.object({
            applied: z.boolean(),
            valid: z.number(),
            invalid: z.number(),
            created: z.number(),
            rows: z.array(
              z.object({
                line: z.number(),
                partner: z.string(),
                name: z.string(),
                email: z.string(),
                roles: z.array(z.string()),
                taskTypes: z.array(z.string()),
                ok: z.boolean(),
                problems: z.array(ZProblem),
              }),
            ),
          }),
        },
      },
      bodyLimit: 4 * 1024 * 1024,
    },
    async (req) => importPeople(ctx, caller(req), req.body),
  );
}
