import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { actorOf } from "../../platform/http/request-meta.ts";
import { requireRole } from "../identity/guards.ts";
import { csvRow } from "./csv.ts";
import { allAudit, CSV_COLUMNS, searchAudit } from "./search.ts";

/** The audit log, for Studio Admins and Security Auditors: search and CSV export. */
const EXPORT_MAX_ROWS = 100_000;

const ZFilter = z.object({
  action: z.string().trim().min(1).max(100).optional(),
  actor: z.string().trim().min(1).max(320).optional(),
  target: z.string().trim().min(1).max(320).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  partnerId: z.uuid().optional(),
});

const ZEvent = z.object({
  seq: z.number(),
  at: z.date(),
  action: z.string(),
  outcome: z.enum(["success", "failure"]),
  reason: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetLabel: z.string().nullable(),
  partnerId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export async function auditLogRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const readers = requireRole("studio_admin", "security_auditor");
  const tags = ["audit"];

  api.get(
    "/audit-log",
    {
      preHandler: readers,
      schema: {
        tags,
        summary: "Search the audit log (newest first, keyset pages)",
        querystring: ZFilter.extend({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: z.object({ events: z.array(ZEvent), nextBefore: z.number().nullable() }) },
      },
    },
    async (req) => {
      const { limit, before, ...filter } = req.query;
      return searchAudit(ctx.database.db, filter, { limit, before });
    },
  );

  api.get(
    "/audit-log/export.csv",
    {
      preHandler: readers,
      schema: { tags, summary: "Export the matching audit events as CSV", querystring: ZFilter },
    },
    async (req, reply) => {
      await recordAudit(ctx.database.db, ctx.clock, actorOf(req), {
        action: "audit.exported",
        details: { filter: req.query },
      });
      let body = csvRow(CSV_COLUMNS);
      for await (const e of allAudit(ctx.database.db, req.query, EXPORT_MAX_ROWS)) {
        body += csvRow(CSV_COLUMNS.map((c) => e[c]));
      }
      const stamp = ctx.clock.now().toISOString().slice(0, 10);
      return reply
        .header("Content-Type", "text/csv; charset=utf-8")
        .header("Content-Disposition", `attachment; filename="loupe-audit-${stamp}.csv"`)
        .send(body);
    },
  );
}
