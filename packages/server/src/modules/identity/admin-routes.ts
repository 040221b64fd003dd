import { asc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { actorOf } from "../../platform/http/request-meta.ts";
import { ROLES, USER_STATUSES } from "../directory/schema.ts";
import { deactivateUser, reactivateUser, suspendUser } from "./account-status.ts";
import { authFrom, requireRole } from "./guards.ts";
import { inviteUser, resendInvitation } from "./invitations.ts";
import { roleAddressPatterns } from "./schema.ts";
import { listUsers } from "./users-admin.ts";

/**
 * The Studio Admin's account administration: list, invite, suspend, reactivate, deactivate, and
 * the studio's own list of role/group address patterns. Governance adds the partner-facing flows.
 */
const ZOk = z.object({ ok: z.literal(true) });
const ZReason = z.object({ reason: z.string().trim().min(3).max(2000) });
const ZUserId = z.object({ id: z.uuid() });
const ZPattern = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9*._-]+$/, "Use letters, digits, '.', '_', '-' and '*' (any run of characters).");

export async function identityAdminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["users"];
  const admin = requireRole("studio_admin");

  api.get(
    "/admin/users",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Accounts with status, roles, partner and MFA state",
        querystring: z.object({
          status: z.enum(USER_STATUSES).optional(),
          partnerId: z.uuid().optional(),
          q: z.string().trim().max(200).optional(),
        }),
        response: {
          200: z.object({
            users: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                email: z.string(),
                status: z.enum(USER_STATUSES),
                statusReason: z.string().nullable(),
                partnerId: z.string().nullable(),
                partnerName: z.string().nullable(),
                roles: z.array(z.enum(ROLES)),
                emailVerified: z.boolean(),
                hasPassword: z.boolean(),
                mfa: z.object({
                  decision: z.string(),
                  factorCount: z.number(),
                  factorTypes: z.array(z.string()),
                }),
                roleAddressJustification: z.string().nullable(),
                createdAt: z.date(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ users: await listUsers(ctx, req.query) }),
  );

  api.post(
    "/admin/users",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Invite a person (partner user or studio staff): mails them a single-use link",
        body: z.object({
          name: z.string().trim().min(1).max(200),
          email: z.string().trim().max(320).email("Enter a valid email address."),
          partnerId: z.uuid().nullable(),
          roles: z.array(z.enum(ROLES)).min(1),
          roleAddressJustification: z.string().trim().max(2000).nullable().optional(),
        }),
        response: { 200: z.object({ userId: z.string() }) },
      },
    },
    async (req) => inviteUser(ctx, actorOf(req), req.body),
  );

  api.post(
    "/admin/users/:id/resend-invitation",
    {
      preHandler: admin,
      schema: { tags, summary: "Mail a new invitation link", params: ZUserId, response: { 200: ZOk } },
    },
    async (req) => {
      await resendInvitation(ctx, actorOf(req), req.params.id);
      return { ok: true as const };
    },
  );

  const statusChanges = [
    ["suspend", suspendUser, "Suspend an account (reversible); its sessions end now"],
    ["reactivate", reactivateUser, "Reactivate a suspended or deactivated account"],
    ["deactivate", deactivateUser, "Deactivate an account; its sessions end now"],
  ] as const;
  for (const [verb, change, summary] of statusChanges) {
    api.post(
      `/admin/users/:id/${verb}`,
      {
        preHandler: admin,
        schema: {
          tags,
          summary,
          params: ZUserId,
          body: ZReason,
          response: { 200: z.object({ status: z.string() }) },
        },
      },
      async (req) => {
        const user = await ctx.database.db.transaction((tx) =>
          change(tx, ctx, req.params.id, actorOf(req), req.body.reason),
        );
        return { status: user.status };
      },
    );
  }

  api.get(
    "/admin/role-address-patterns",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "The studio's own role/group address patterns (added to the bundled list)",
        response: {
          200: z.object({
            patterns: z.array(
              z.object({ pattern: z.string(), note: z.string().nullable(), createdAt: z.date() }),
            ),
          }),
        },
      },
    },
    async () => ({
      patterns: await ctx.database.db
        .select({
          pattern: roleAddressPatterns.pattern,
          note: roleAddressPatterns.note,
          createdAt: roleAddressPatterns.createdAt,
        })
        .from(roleAddressPatterns)
        .orderBy(asc(roleAddressPatterns.pattern)),
    }),
  );

  api.post(
    "/admin/role-address-patterns",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Add a role/group address pattern",
        body: z.object({ pattern: ZPattern, note: z.string().trim().max(500).nullable().optional() }),
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await ctx.database.db.transaction(async (tx) => {
        const added = await tx
          .insert(roleAddressPatterns)
          .values({
            pattern: req.body.pattern,
            note: req.body.note ?? null,
            addedBy: authFrom(req).user.id,
            createdAt: ctx.clock.now(),
          })
          .onConflictDoNothing()
          .returning();
        if (added.length === 0) throw new AppError("CONFLICT", "That pattern is already on the list.");
        await recordAudit(tx, ctx.clock, actorOf(req), {
          action: "identity.role_address_pattern_added",
          target: { type: "role_address_pattern", id: req.body.pattern },
        });
      });
      return { ok: true as const };
    },
  );

  api.delete(
    "/admin/role-address-patterns/:pattern",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Remove a role/group address pattern",
        params: z.object({ pattern: ZPattern }),
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await ctx.database.db.transaction(async (tx) => {
        const removed = await tx
          .delete(roleAddressPatterns)
          .where(eq(roleAddressPatterns.pattern, req.params.pattern))
          .returning();
        if (removed.length === 0) throw notFound("The pattern");
        await recordAudit(tx, ctx.clock, actorOf(req), {
          action: "identity.role_address_pattern_removed",
          target: { type: "role_address_pattern", id: req.params.pattern },
        });
      });
      return { ok: true as const };
    },
  );
}
