import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../../platform/context.ts";
import { notFound } from "../../../platform/errors.ts";
import { actorOf } from "../../../platform/http/request-meta.ts";
import { users } from "../../directory/schema.ts";
import { requireRole, requireStepUp } from "../guards.ts";
import { STEP_UP_MAX_AGE_MS } from "./enrolment.ts";
import { countFactors, listFactors } from "./factor-list.ts";
import { mailFactorsReset } from "./factor-mails.ts";
import { adminResetFactors } from "./factor-management.ts";
import { assignOathToken, importOathTokens, listOathTokens } from "./oath-service.ts";
import { ZCounts, ZError, ZFactor } from "./schemas.ts";

const tags = ["factors (admin)"];

/** Studio Admin work on factors: hardware token seeds and assignment, resetting a person's factors. */
export async function factorAdminRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const admin = requireRole("studio_admin");

  r.post(
    "/oath-tokens/import",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Import hardware OATH token seeds (CSV or plaintext PSKC); all-or-nothing with a report",
        description:
          "CSV lines: serial,secret,digits,period[,algorithm] (secret base32 or hex; prefix hex: or base32: when it could be either). PSKC (RFC 6030) with <Secret><PlainValue>; encrypted PSKC is refused. If any line has a problem nothing is imported and the report lists every problem. dryRun only reports.",
        body: z.object({
          format: z.enum(["csv", "pskc"]),
          content: z.string().min(1).max(900_000),
          dryRun: z.boolean().default(false),
        }),
        response: {
          200: z.object({
            imported: z.boolean(),
            dryRun: z.boolean(),
            tokens: z.array(
              z.object({
                line: z.number(),
                serial: z.string(),
                digits: z.number(),
                period: z.number(),
                algorithm: z.string(),
              }),
            ),
            problems: z.array(
              z.object({ line: z.number(), serial: z.string().optional(), problem: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => importOathTokens(ctx, actorOf(req), req.body),
  );

  r.get(
    "/oath-tokens",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Hardware token inventory: serials, parameters, holder and status (never the seeds)",
        response: {
          200: z.object({
            tokens: z.array(
              z.object({
                serial: z.string(),
                digits: z.number(),
                period: z.number(),
                algorithm: z.string(),
                importedAt: z.date(),
                assignedUserId: z.string().nullable(),
                assignedEmail: z.string().nullable(),
                assignedAt: z.date().nullable(),
                confirmedAt: z.date().nullable(),
                lastUsedAt: z.date().nullable(),
                revokedAt: z.date().nullable(),
                status: z.enum(["unassigned", "assigned", "active", "revoked"]),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ tokens: await listOathTokens(ctx.database.db) }),
  );

  r.post(
    "/oath-tokens/:serial/assign",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Assign a hardware token to a person; it counts once they enter a code from it",
        params: z.object({ serial: z.string().trim().min(1).max(64) }),
        body: z.object({ userId: z.uuid() }),
        response: { 200: z.object({ ok: z.literal(true) }), 404: ZError, 409: ZError },
      },
    },
    async (req) => {
      await assignOathToken(ctx, actorOf(req), { serial: req.params.serial, userId: req.body.userId });
      return { ok: true as const };
    },
  );

  r.get(
    "/users/:id/factors",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "A person's factors, with the dated record of every factor they ever held (no side effects)",
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
            counts: ZCounts,
            history: z.array(ZFactor),
          }),
          404: ZError,
        },
      },
    },
    async (req) => {
      const db = ctx.database.db;
      const [user] = await db
        .select({ id: users.id, email: users.email, name: users.name })
        .from(users)
        .where(eq(users.id, req.params.id));
      if (!user) throw notFound("The person");
      const [counts, history] = await Promise.all([
        countFactors(db, user.id),
        listFactors(db, user.id, { includeRevoked: true }),
      ]);
      return { user, counts, history };
    },
  );

  r.post(
    "/users/:id/reset-factors",
    {
      preHandler: [admin, requireStepUp(STEP_UP_MAX_AGE_MS)],
      schema: {
        tags,
        summary: "Reset ALL of a person's factors (Studio Admin, after a step-up, with a reason)",
        description:
          "Revokes every factor and recovery code, ends all the person's sessions, mails them; at their next sign-in they must enrol again. Nothing changes before this POST (viewing is GET /users/{id}/factors).",
        params: z.object({ id: z.uuid() }),
        body: z.object({
          reason: z.string().trim().min(5).max(500).describe("why, with the ticket reference"),
        }),
        response: {
          200: z.object({
            ok: z.literal(true),
            revoked: z.record(z.string(), z.number()),
            sessionsEnded: z.number(),
          }),
          401: ZError,
          403: ZError,
          404: ZError,
        },
      },
    },
    async (req) => {
      const out = await adminResetFactors(ctx, actorOf(req), {
        userId: req.params.id,
        reason: req.body.reason,
      });
      await mailFactorsReset(ctx, out.user, req.body.reason);
      return { ok: true as const, revoked: out.revoked, sessionsEnded: out.sessionsEnded };
    },
  );
}
