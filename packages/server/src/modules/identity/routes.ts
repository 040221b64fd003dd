import crypto from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { actorOf, clientOf } from "../../platform/http/request-meta.ts";
import { ROLES } from "../directory/schema.ts";
import { completeBootstrap } from "./bootstrap.ts";
import { changeOwnPassword } from "./change-password.ts";
import { verifyEmail } from "./email-verification.ts";
import { authFrom, requireAuth, requireStage, requireStepUp } from "./guards.ts";
import { acceptInvitation, inspectInvitation } from "./invitations.ts";
import { mfaStatusOf } from "./mfa-status.ts";
import { completePasswordReset, requestPasswordReset } from "./password-reset.ts";
import { PASSWORD_MAX } from "./passwords.ts";
import { sessions } from "./schema.ts";
import {
  clearSessionCookie,
  hashToken,
  revokeSession,
  revokeSessions,
  SESSION_COOKIE,
  setSessionCookie,
  upgradeSession,
} from "./session-service.ts";
import { signIn } from "./sign-in.ts";

/** Changing the password needs a second factor re-proved within this long. */
export const PASSWORD_CHANGE_STEP_UP_MS = 10 * 60_000;

const ZEmail = z.string().trim().min(3).max(320).email("Enter a valid email address.");
// generous upper bound in UTF-16 units; the 12..128 code point rule is checked by the service
const ZPassword = z
  .string()
  .min(1)
  .max(PASSWORD_MAX * 4);
const ZToken = z.string().min(20).max(200);
const ZStage = z.enum(["password", "enrol", "complete"]);
const ZEnrolment = z.enum(["must-enrol", "urged", "enrolled-one-factor-urge-second", "ok"]);
const ZFactorKind = z.enum(["totp", "oath", "webauthn", "recovery"]);
const ZOk = z.object({ ok: z.literal(true) });
const ZSignedIn = z.object({
  stage: ZStage,
  next: z.enum(["second-factor", "enrol", "done"]),
  factorTypes: z.array(ZFactorKind),
  enrolment: ZEnrolment,
  csrfToken: z.string(),
});

const ZSessionState = z.object({
  authenticated: z.boolean(),
  /** why a presented session is gone: "ended", "expired", "account_inactive" */
  ended: z.enum(["ended", "expired", "account_inactive"]).nullable(),
  /** echo in x-csrf-token on every POST/PUT/PATCH/DELETE */
  csrfToken: z.string(),
  user: z
    .object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      partnerId: z.string().nullable(),
      roles: z.array(z.enum(ROLES)),
    })
    .nullable(),
  session: z
    .object({
      stage: ZStage,
      amr: z.array(z.string()),
      authTime: z.date().nullable(),
      stepUpAt: z.date().nullable(),
      createdAt: z.date(),
      idleTimeoutSeconds: z.number(),
    })
    .nullable(),
  /** present while the session is not complete: what the sign-in screen needs */
  mfa: z
    .object({ decision: ZEnrolment, factorCount: z.number(), factorTypes: z.array(ZFactorKind) })
    .nullable(),
});

const ZSessionRow = z.object({
  id: z.string(),
  current: z.boolean(),
  stage: ZStage,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
});

export async function identityRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["auth"];

  api.get(
    "/auth/session",
    {
      schema: {
        tags,
        summary: "The current session (if any), its stage and the anti-CSRF token",
        response: { 200: ZSessionState },
      },
    },
    async (req) => {
      const auth = req.auth;
      if (!auth) {
        return {
          authenticated: false,
          ended: req.authEnded,
          csrfToken: crypto.randomBytes(16).toString("base64url"),
          user: null,
          session: null,
          mfa: null,
        };
      }
      const mfa =
        auth.session.stage === "complete" ? null : await mfaStatusOf(ctx.database.db, ctx, auth.user);
      return {
        authenticated: true,
        ended: null,
        csrfToken: auth.session.csrfToken,
        user: {
          id: auth.user.id,
          email: auth.user.email,
          name: auth.user.name,
          partnerId: auth.user.partnerId,
          roles: auth.user.roles,
        },
        session: {
          stage: auth.session.stage,
          amr: auth.session.amr,
          authTime: auth.session.authTime,
          stepUpAt: auth.session.stepUpAt,
          createdAt: auth.session.createdAt,
          idleTimeoutSeconds: Math.round(ctx.config.sessionIdleMs / 1000),
        },
        mfa,
      };
    },
  );

  api.post(
    "/auth/sign-in",
    {
      schema: {
        tags,
        summary: "Password step of sign-in: starts a session that still owes a second factor or enrolment",
        body: z.object({ email: z.string().trim().min(1).max(320), password: ZPassword }),
        response: { 200: ZSignedIn },
      },
    },
    async (req, reply) => {
      const previous = req.cookies[SESSION_COOKIE];
      const result = await signIn(ctx, actorOf(req), req.body, {
        ...clientOf(req),
        previousSessionId: previous ? hashToken(previous) : null,
      });
      setSessionCookie(reply, result.session.token, ctx);
      return {
        stage: result.stage,
        next: result.next,
        factorTypes: result.factorTypes,
        enrolment: result.enrolment,
        csrfToken: result.session.csrfToken,
      };
    },
  );

  api.post(
    "/auth/sign-out",
    { schema: { tags, summary: "End this session on the server", response: { 200: ZOk } } },
    async (req, reply) => {
      const auth = req.auth;
      if (auth) {
        await ctx.database.db.transaction(async (tx) => {
          await revokeSession(tx, ctx, auth.session.id, "logout");
          await recordAudit(tx, ctx.clock, actorOf(req), {
            action: "identity.sign_out",
            target: { type: "user", id: auth.user.id, label: auth.user.email },
            partnerId: auth.user.partnerId,
          });
        });
      }
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.post(
    "/auth/enrolment/postpone",
    {
      preHandler: requireStage("enrol"),
      schema: {
        tags,
        summary: "Postpone MFA enrolment (only while the policy merely urges it)",
        response: { 200: ZSignedIn },
      },
    },
    async (req, reply) => {
      const auth = authFrom(req);
      // read before the transaction: on PGlite a query outside an open transaction waits for it
      const mfa = await mfaStatusOf(ctx.database.db, ctx, auth.user);
      if (mfa.decision !== "urged") {
        throw new AppError("MFA_ENROLMENT_REQUIRED", "Two-step verification must be set up now.");
      }
      const issued = await ctx.database.db.transaction(async (tx) => {
        const issued = await upgradeSession(tx, ctx, auth.session.id, "pwd", clientOf(req));
        await recordAudit(tx, ctx.clock, actorOf(req), {
          action: "identity.mfa_enrolment_postponed",
          target: { type: "user", id: auth.user.id, label: auth.user.email },
          partnerId: auth.user.partnerId,
        });
        return issued;
      });
      setSessionCookie(reply, issued.token, ctx);
      return {
        stage: "complete" as const,
        next: "done" as const,
        factorTypes: [],
        enrolment: "urged" as const,
        csrfToken: issued.csrfToken,
      };
    },
  );

  api.get(
    "/auth/sessions",
    {
      preHandler: requireAuth(),
      schema: {
        tags,
        summary: "My live sessions",
        response: { 200: z.object({ sessions: z.array(ZSessionRow) }) },
      },
    },
    async (req) => {
      const auth = authFrom(req);
      const now = ctx.clock.now();
      const rows = await ctx.database.db
        .select()
        .from(sessions)
        .where(
          and(
            eq(sessions.userId, auth.user.id),
            isNull(sessions.revokedAt),
            gt(sessions.absoluteExpiresAt, now),
            gt(sessions.lastSeenAt, new Date(now.getTime() - ctx.config.sessionIdleMs)),
          ),
        )
        .orderBy(desc(sessions.lastSeenAt));
      return {
        sessions: rows.map((s) => ({
          id: s.id,
          current: s.id === auth.session.id,
          stage: s.stage,
          ip: s.ip,
          userAgent: s.userAgent,
          createdAt: s.createdAt,
          lastSeenAt: s.lastSeenAt,
        })),
      };
    },
  );

  api.delete(
    "/auth/sessions/:id",
    {
      preHandler: requireAuth(),
      schema: {
        tags,
        summary: "End one of my sessions",
        params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }),
        response: { 200: ZOk },
      },
    },
    async (req, reply) => {
      const auth = authFrom(req);
      await ctx.database.db.transaction(async (tx) => {
        const [row] = await tx
          .select({ userId: sessions.userId })
          .from(sessions)
          .where(eq(sessions.id, req.params.id));
        if (!row || row.userId !== auth.user.id) throw notFound("The session");
        await revokeSession(tx, ctx, req.params.id, "revoked_by_user");
        await recordAudit(tx, ctx.clock, actorOf(req), {
          action: "identity.session_revoked",
          target: { type: "user", id: auth.user.id, label: auth.user.email },
          partnerId: auth.user.partnerId,
          details: { current: req.params.id === auth.session.id },
        });
      });
      if (req.params.id === auth.session.id) clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.post(
    "/auth/sessions/sign-out-everywhere",
    {
      preHandler: requireAuth(),
      schema: {
        tags,
        summary: "End all my other sessions (or all of them, this one included)",
        body: z.object({ includeCurrent: z.boolean().default(false) }),
        response: { 200: z.object({ ended: z.number() }) },
      },
    },
    async (req, reply) => {
      const auth = authFrom(req);
      const ended = await ctx.database.db.transaction(async (tx) => {
        const keep = req.body.includeCurrent ? undefined : auth.session.id;
        const ended = await revokeSessions(tx, ctx, auth.user.id, keep, "sign_out_everywhere");
        await recordAudit(tx, ctx.clock, actorOf(req), {
          action: "identity.sessions_revoked",
          target: { type: "user", id: auth.user.id, label: auth.user.email },
          partnerId: auth.user.partnerId,
          details: { ended, includeCurrent: req.body.includeCurrent },
        });
        return ended;
      });
      if (req.body.includeCurrent) clearSessionCookie(reply);
      return { ended };
    },
  );

  api.post(
    "/auth/bootstrap",
    {
      schema: {
        tags,
        summary: "Create the first Studio Admin with the link printed at first start",
        body: z.object({
          token: ZToken,
          name: z.string().trim().min(1).max(200),
          email: ZEmail,
          password: ZPassword,
        }),
        response: { 200: ZSignedIn },
      },
    },
    async (req, reply) => {
      const issued = await completeBootstrap(ctx, actorOf(req), req.body, clientOf(req));
      setSessionCookie(reply, issued.token, ctx);
      return {
        stage: "enrol" as const,
        next: "enrol" as const,
        factorTypes: [],
        enrolment: "must-enrol" as const,
        csrfToken: issued.csrfToken,
      };
    },
  );

  api.post(
    "/auth/invitation/inspect",
    {
      schema: {
        tags,
        summary: "Who an invitation link is for (does not use it)",
        body: z.object({ token: ZToken }),
        response: {
          200: z.object({ name: z.string(), email: z.string(), partnerName: z.string().nullable() }),
        },
      },
    },
    async (req) => inspectInvitation(ctx, req.body.token),
  );

  api.post(
    "/auth/invitation/accept",
    {
      schema: {
        tags,
        summary: "Accept an invitation: confirms the email and sets the password (then sign in)",
        body: z.object({ token: ZToken, password: ZPassword }),
        response: { 200: z.object({ email: z.string() }) },
      },
    },
    async (req) => acceptInvitation(ctx, actorOf(req), req.body),
  );

  api.post(
    "/auth/verify-email",
    {
      schema: {
        tags,
        summary: "Confirm an email address",
        body: z.object({ token: ZToken }),
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await verifyEmail(ctx, actorOf(req), req.body.token);
      return { ok: true as const };
    },
  );

  api.post(
    "/auth/password-reset/request",
    {
      schema: {
        tags,
        summary: "Mail a password reset link (same answer whether or not the account exists)",
        body: z.object({ email: z.string().trim().min(1).max(320) }),
        response: { 200: ZOk },
      },
    },
    async (req) => {
      await requestPasswordReset(ctx, actorOf(req), req.body.email);
      return { ok: true as const };
    },
  );

  api.post(
    "/auth/password-reset/complete",
    {
      schema: {
        tags,
        summary: "Set a new password with a reset link (then sign in with it and your second factor)",
        body: z.object({ token: ZToken, password: ZPassword }),
        response: { 200: ZOk },
      },
    },
    async (req, reply) => {
      await completePasswordReset(ctx, actorOf(req), req.body);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.post(
    "/auth/password/change",
    {
      preHandler: requireStepUp(PASSWORD_CHANGE_STEP_UP_MS),
      schema: {
        tags,
        summary: "Change my password (needs a recent second-factor step-up and the current password)",
        body: z.object({ currentPassword: ZPassword, newPassword: ZPassword }),
        response: { 200: z.object({ otherSessionsEnded: z.number() }) },
      },
    },
    async (req) => {
      const result = await changeOwnPassword(ctx, actorOf(req), authFrom(req), req.body);
      return { otherSessionsEnded: result.sessionsEnded };
    },
  );
}
