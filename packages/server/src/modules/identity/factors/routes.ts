import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../../platform/context.ts";
import { AppError } from "../../../platform/errors.ts";
import { actorOf, clientOf } from "../../../platform/http/request-meta.ts";
import { authFrom, requireAuth, requireStage, requireStepUp } from "../guards.ts";
import { type IssuedSession, setSessionCookie } from "../session-service.ts";
import { assertMayEnrol, finishEnrolment, STEP_UP_MAX_AGE_MS } from "./enrolment.ts";
import { countFactors, listFactors } from "./factor-list.ts";
import { mailFactorRemoved, mailRecoveryCodesGenerated } from "./factor-mails.ts";
import { removeFactor, renameFactor } from "./factor-management.ts";
import { confirmOathToken, pendingOathTokens } from "./oath-service.ts";
import { generateRecoveryCodes } from "./recovery-codes.ts";
import {
  ZAuthenticationResponse,
  ZCeremonyOptions,
  ZCode,
  ZCounts,
  ZError,
  ZFactor,
  ZName,
  ZRegistrationResponse,
  ZRotated,
} from "./schemas.ts";
import { type Proof, proveSecondFactor } from "./second-factor.ts";
import { confirmTotpEnrolment, startTotpEnrolment } from "./totp-service.ts";
import {
  verifyWebauthnRegistration,
  webauthnAuthenticationOptions,
  webauthnRegistrationOptions,
} from "./webauthn-service.ts";

const tags = ["factors"];
const ZEnrolled = z.object({
  factorId: z.string(),
  name: z.string(),
  amr: z.enum(["otp", "hwk", "swk"]).describe("what signing in with this factor adds to a session's amr"),
  counts: ZCounts,
  urgeSecondFactor: z.boolean(),
  recoveryCodes: z.array(z.string()).nullable().describe("set with the first factor: shown this once"),
  session: ZRotated.nullable().describe("set when the session was rotated (first factor completes sign-in)"),
});

function rotated(reply: FastifyReply, issued: IssuedSession | null) {
  if (!issued) return null;
  setSessionCookie(reply, issued.token);
  return { stage: "complete" as const, csrfToken: issued.csrfToken };
}

const meta = (req: FastifyRequest) => clientOf(req);

/** WebAuthn options are JSON for the browser, passed through as SimpleWebAuthn made them */
const asJson = (options: object) => options as { challenge: string } & Record<string, unknown>;

/**
 * A person's own factors: listing, enrolment (TOTP app, hardware token claim, security key or
 * passkey), renaming, removal, recovery codes; and the second step of sign-in and step-up.
 */
export async function factorSelfRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const enrolling = requireStage("enrol", "complete");

  r.get(
    "/factors",
    {
      // not at stage password: the password alone does not show which factors guard the account
      preHandler: enrolling,
      schema: {
        tags,
        summary: "Your sign-in factors, recovery codes left, and hardware tokens waiting for you",
        response: {
          200: z.object({
            factors: z.array(ZFactor),
            counts: ZCounts,
            recoveryCodesRemaining: z.number(),
            urgeSecondFactor: z.boolean().describe("true while you hold fewer than two factors"),
            pendingTokens: z.array(z.object({ serial: z.string(), digits: z.number() })),
          }),
        },
      },
    },
    async (req) => {
      const { user } = authFrom(req);
      const db = ctx.database.db;
      const [factors, counts, pending] = await Promise.all([
        listFactors(db, user.id),
        countFactors(db, user.id),
        pendingOathTokens(db, user.id),
      ]);
      return {
        factors,
        counts,
        recoveryCodesRemaining: counts.byType.recovery,
        urgeSecondFactor: counts.total < 2,
        pendingTokens: pending.map((p) => ({ serial: p.serial, digits: p.digits })),
      };
    },
  );

  r.post(
    "/factors/totp",
    {
      preHandler: enrolling,
      schema: {
        tags,
        summary: "Start adding an authenticator app: returns the secret as a QR code and as text",
        description:
          "Counts only after POST /factors/totp/confirm. Needs a session at stage enrol, or a complete session (with a step-up in the last 10 minutes when you already hold a factor).",
        body: z.object({ label: ZName.default("Authenticator app") }),
        response: {
          200: z.object({
            id: z.string(),
            label: z.string(),
            secret: z.string(),
            secretGrouped: z.string(),
            otpauthUri: z.string(),
            qrCodeDataUrl: z.string(),
            digits: z.number(),
            period: z.number(),
            algorithm: z.string(),
            expiresAt: z.date(),
          }),
          401: ZError,
        },
      },
    },
    async (req) => {
      const auth = authFrom(req);
      await assertMayEnrol(ctx.database.db, ctx, auth);
      return startTotpEnrolment(ctx, actorOf(req), auth.user, req.body.label);
    },
  );

  r.post(
    "/factors/totp/confirm",
    {
      preHandler: enrolling,
      schema: {
        tags,
        summary: "Confirm an authenticator app with a code from it",
        body: z.object({ id: z.uuid(), code: ZCode }),
        response: { 200: ZEnrolled, 400: ZError },
      },
    },
    async (req, reply) => {
      const auth = authFrom(req);
      const actor = actorOf(req);
      const out = await finishEnrolment(ctx, actor, auth, meta(req), (tx) =>
        confirmTotpEnrolment(tx, ctx, actor, auth.user, req.body.id, req.body.code),
      );
      return {
        ...out,
        amr: out.method,
        urgeSecondFactor: out.counts.total < 2,
        session: rotated(reply, out.session),
      };
    },
  );

  r.post(
    "/factors/oath/claim",
    {
      preHandler: enrolling,
      schema: {
        tags,
        summary: "Prove you hold the hardware token assigned to you by entering its serial and a code",
        body: z.object({ serial: z.string().trim().min(1).max(64), code: ZCode }),
        response: { 200: ZEnrolled, 400: ZError },
      },
    },
    async (req, reply) => {
      const auth = authFrom(req);
      const actor = actorOf(req);
      const out = await finishEnrolment(ctx, actor, auth, meta(req), (tx) =>
        confirmOathToken(tx, ctx, actor, auth.user, req.body.serial, req.body.code),
      );
      return {
        ...out,
        amr: out.method,
        urgeSecondFactor: out.counts.total < 2,
        session: rotated(reply, out.session),
      };
    },
  );

  r.post(
    "/factors/webauthn/options",
    {
      preHandler: enrolling,
      schema: {
        tags,
        summary: "Options to register a security key or passkey (navigator.credentials.create)",
        response: { 200: ZCeremonyOptions },
      },
    },
    async (req) => {
      const auth = authFrom(req);
      const options = await ctx.database.db.transaction(async (tx) => {
        await assertMayEnrol(tx, ctx, auth);
        return webauthnRegistrationOptions(tx, ctx, auth.user, auth.session.id);
      });
      return { options: asJson(options) };
    },
  );

  r.post(
    "/factors/webauthn/verify",
    {
      preHandler: enrolling,
      schema: {
        tags,
        summary: "Register the security key or passkey from the browser's answer",
        body: z.object({ name: ZName.default("Security key"), response: ZRegistrationResponse }),
        response: { 200: ZEnrolled, 400: ZError },
      },
    },
    async (req, reply) => {
      const auth = authFrom(req);
      const actor = actorOf(req);
      const out = await finishEnrolment(ctx, actor, auth, meta(req), (tx) =>
        verifyWebauthnRegistration(tx, ctx, actor, auth.user, auth.session.id, {
          name: req.body.name,
          response: req.body.response as never,
        }),
      );
      return {
        ...out,
        amr: out.method,
        urgeSecondFactor: out.counts.total < 2,
        session: rotated(reply, out.session),
      };
    },
  );

  r.patch(
    "/factors/:id",
    {
      preHandler: requireAuth(),
      schema: {
        tags,
        summary: "Rename one of your factors",
        params: z.object({ id: z.uuid() }),
        body: z.object({ name: ZName }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      const { user } = authFrom(req);
      await renameFactor(ctx, actorOf(req), user, req.params.id, req.body.name);
      return { ok: true as const };
    },
  );

  r.delete(
    "/factors/:id",
    {
      preHandler: [requireAuth(), requireStepUp(STEP_UP_MAX_AGE_MS)],
      schema: {
        tags,
        summary: "Remove one of your factors (needs a step-up; your last factor cannot be removed)",
        description: "Your other sessions are signed out. Add another factor first if this is your only one.",
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ ok: z.literal(true), otherSessionsEnded: z.number() }), 409: ZError },
      },
    },
    async (req) => {
      const { user, session } = authFrom(req);
      const out = await removeFactor(ctx, actorOf(req), user, req.params.id, session.id);
      await mailFactorRemoved(ctx, user, out.name);
      return { ok: true as const, otherSessionsEnded: out.otherSessionsEnded };
    },
  );

  r.post(
    "/factors/recovery-codes",
    {
      preHandler: [requireAuth(), requireStepUp(STEP_UP_MAX_AGE_MS)],
      schema: {
        tags,
        summary: "Generate a new set of 10 recovery codes (needs a step-up); the old set stops working",
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), 409: ZError },
      },
    },
    async (req) => {
      const { user } = authFrom(req);
      const out = await ctx.database.db.transaction(async (tx) => {
        if ((await countFactors(tx, user.id)).total === 0) {
          throw new AppError("CONFLICT", "Add a sign-in factor first: recovery codes back one up.");
        }
        return generateRecoveryCodes(tx, ctx, actorOf(req), user);
      });
      await mailRecoveryCodesGenerated(ctx, user, out.replaced);
      return { recoveryCodes: out.codes };
    },
  );

  // The second step: at sign-in (stage password) and for step-up (complete session). Same checks.
  for (const [prefix, stage, what] of [
    ["/auth/mfa", "password", "Finish signing in"],
    ["/auth/step-up", "complete", "Step up (re-prove a factor for a sensitive action)"],
  ] as const) {
    const guard = requireStage(stage);
    const ZVerified = ZRotated.extend({
      amr: z.array(z.string()),
      recoveryCodesRemaining: z.number().optional(),
    });
    const prove = async (req: FastifyRequest, reply: FastifyReply, proof: Proof) => {
      const auth = authFrom(req);
      const out = await proveSecondFactor(ctx, actorOf(req), auth, proof, meta(req));
      setSessionCookie(reply, out.session.token);
      return {
        stage: "complete" as const,
        csrfToken: out.session.csrfToken,
        // as upgradeSession/recordStepUp record it: a method already used keeps its place
        amr: auth.session.amr.includes(out.method) ? auth.session.amr : [...auth.session.amr, out.method],
        recoveryCodesRemaining: out.recoveryCodesRemaining,
      };
    };
    r.post(
      `${prefix}/otp`,
      {
        preHandler: guard,
        schema: {
          tags,
          summary: `${what} with a code from an authenticator app or hardware token`,
          body: z.object({ code: ZCode }),
          response: { 200: ZVerified, 400: ZError, 429: ZError },
        },
      },
      async (req, reply) => prove(req, reply, { kind: "otp", code: req.body.code }),
    );
    r.post(
      `${prefix}/recovery-code`,
      {
        preHandler: guard,
        schema: {
          tags,
          summary: `${what} with a recovery code (each works once; you are mailed how many remain)`,
          body: z.object({ code: ZCode }),
          response: { 200: ZVerified, 400: ZError, 429: ZError },
        },
      },
      async (req, reply) => prove(req, reply, { kind: "recovery", code: req.body.code }),
    );
    r.post(
      `${prefix}/webauthn/options`,
      {
        preHandler: guard,
        schema: {
          tags,
          summary: `${what} with a security key or passkey: options for navigator.credentials.get`,
          response: { 200: ZCeremonyOptions, 400: ZError },
        },
      },
      async (req) => {
        const { user, session } = authFrom(req);
        const options = await webauthnAuthenticationOptions(ctx.database.db, ctx, user.id, session.id);
        if (!options) {
          throw new AppError("BAD_REQUEST", "No security key is registered to your account.", {
            details: { reason: "no_factor" },
          });
        }
        return { options: asJson(options) };
      },
    );
    r.post(
      `${prefix}/webauthn/verify`,
      {
        preHandler: guard,
        schema: {
          tags,
          summary: `${what} with the security key's answer`,
          body: z.object({ response: ZAuthenticationResponse }),
          response: { 200: ZVerified, 400: ZError, 429: ZError },
        },
      },
      async (req, reply) => prove(req, reply, { kind: "webauthn", response: req.body.response as never }),
    );
  }
}
