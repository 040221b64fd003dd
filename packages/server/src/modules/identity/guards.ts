import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { actorOf } from "../../platform/http/request-meta.ts";
import { type Role, type UserStatus, userRoles, users } from "../directory/schema.ts";
import { createAuthCache } from "./auth-cache.ts";
import type { AuthMethod, RequestAuth, SessionStage } from "./auth-types.ts";
import { sessions } from "./schema.ts";
import { clearSessionCookie, hashToken, SESSION_COOKIE } from "./session-service.ts";

/**
 * Why a request that presented a session cookie has no session: the guards turn this into a clear
 * error code ("your session expired" differs from "your account is suspended").
 */
export type AuthEnded = "ended" | "expired" | "account_inactive";

declare module "fastify" {
  interface FastifyRequest {
    /** set when the request carried a session cookie that is no longer live */
    authEnded: AuthEnded | null;
    /** the clock's time when the session was checked: guards compare ages against it */
    authCheckedAt: Date | null;
  }
  interface FastifyContextConfig {
    /** false for the rare endpoint called by other servers, not browsers (none yet) */
    csrf?: boolean;
  }
}

/** last_seen_at is written at most this often; staleness only ever shortens the idle window */
const LAST_SEEN_WRITE_MS = 30_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Registers, for every route of `api` registered after it: loading the session (loadAuth) and the
 * CSRF check. Called by platform/http/app.ts before the module routes.
 */
export function registerAuth(api: FastifyInstance, ctx: AppContext): void {
  api.decorateRequest("auth", null);
  api.decorateRequest("authEnded", null);
  api.decorateRequest("authCheckedAt", null);
  api.addHook("onRequest", loadAuth(ctx));
  api.addHook("onRequest", async (req) => checkCsrf(req, ctx));
  api.addHook("onError", async (req, _reply, err) => auditDenied(req, ctx, err));
}

/**
 * Failed authorisation is logged (ASVS 16.3.2): a refused role or a refused cross-site request
 * leaves an audit row with who, what route and from where. (Unauthenticated 401s are not: they
 * carry no identity, and sign-in failures are audited by sign-in itself.)
 */
async function auditDenied(req: FastifyRequest, ctx: AppContext, err: Error): Promise<void> {
  if (!(err instanceof AppError) || (err.code !== "FORBIDDEN" && err.code !== "CSRF")) return;
  await recordAudit(ctx.database.db, ctx.clock, actorOf(req), {
    action: "access.denied",
    outcome: "failure",
    reason: err.code,
    partnerId: req.auth?.user.partnerId ?? null,
    details: { method: req.method, route: req.routeOptions.url ?? req.url.split("?")[0] },
  });
}

/**
 * Reads the session cookie and fills request.auth, enforcing on EVERY request: revocation, the
 * absolute and idle timeouts (NIST SP 800-63B AAL2: 12 h / 30 min by default) and the account's
 * status (a suspended or deactivated account's sessions die on their next request). One indexed
 * query joins session, user and roles (in embedded mode served from auth-cache.ts while nothing
 * else has touched the database).
 */
export function loadAuth(ctx: AppContext) {
  // prepared once: on PostgreSQL the plan is reused, on both the SQL is built once
  const authSelect = ctx.database.db
    .select({
      s: sessions,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        status: users.status,
        partnerId: users.partnerId,
      },
      role: userRoles.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .where(eq(sessions.id, sql.placeholder("id")));
  const authQuery = authSelect.prepare("loupe_load_auth");
  type AuthRows = Awaited<ReturnType<typeof authQuery.execute>>;
  const cache = createAuthCache<AuthRows>(ctx.database.pglite, authSelect.toSQL().sql);
  const lookup = async (id: string): Promise<AuthRows> => {
    if (!cache) return authQuery.execute({ id });
    const hit = cache.get(id);
    if (hit) return hit;
    const generation = cache.generation();
    const rows = await authQuery.execute({ id });
    cache.set(id, generation, rows);
    return rows;
  };
  return async function loadAuthHook(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    req.auth = null;
    req.authEnded = null;
    const now = ctx.clock.now();
    req.authCheckedAt = now;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const id = hashToken(token);
    const db = ctx.database.db;
    const rows = await lookup(id);
    const row = rows[0];
    const end = async (why: AuthEnded, reason?: string) => {
      req.authEnded = why;
      clearSessionCookie(reply);
      if (reason && row && !row.s.revokedAt) {
        await db
          .update(sessions)
          .set({ revokedAt: ctx.clock.now(), revokedReason: reason })
          .where(eq(sessions.id, id));
      }
    };
    if (!row || row.s.revokedAt) return end("ended");
    if (now.getTime() >= row.s.absoluteExpiresAt.getTime()) return end("expired", "absolute_timeout");
    if (now.getTime() - row.s.lastSeenAt.getTime() >= ctx.config.sessionIdleMs) {
      return end("expired", "idle_timeout");
    }
    if (row.user.status !== "active") return end("account_inactive", `account_${row.user.status}`);

    if (now.getTime() - row.s.lastSeenAt.getTime() >= LAST_SEEN_WRITE_MS) {
      await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
    }
    req.auth = {
      user: { ...row.user, status: row.user.status as UserStatus, roles: rolesOf(rows) },
      session: {
        id: row.s.id,
        userId: row.s.userId,
        stage: row.s.stage,
        amr: row.s.amr as AuthMethod[],
        authTime: row.s.authTime,
        stepUpAt: row.s.stepUpAt,
        csrfToken: row.s.csrfToken,
        createdAt: row.s.createdAt,
        lastSeenAt: row.s.lastSeenAt,
      },
    };
  };
}

/** one row per role (or one row with a null role): the user's roles */
function rolesOf(rows: { role: Role | null }[]): Role[] {
  return rows.flatMap((r) => (r.role ? [r.role] : []));
}

/**
 * CSRF defence (ASVS 3.5.1-3.5.3) on every state-changing request:
 * - with a session: the x-csrf-token header must equal the session's token (the UI reads it from
 *   GET /api/auth/session); a cross-site page can neither read it nor set the header without a
 *   CORS preflight, which Loupe never grants;
 * - without one (sign-in, reset, invitation links): the header must be present (any value: a
 *   non-safelisted header forces that preflight) and an Origin header, when sent, must be ours;
 * - a browser's Sec-Fetch-Site: cross-site is refused either way.
 */
export function checkCsrf(req: FastifyRequest, ctx: AppContext): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (req.routeOptions.config?.csrf === false) return;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ctx.config.publicUrl.origin) {
    throw new AppError("CSRF", "This request came from another site and was refused.");
  }
  if (req.headers["sec-fetch-site"] === "cross-site") {
    throw new AppError("CSRF", "This request came from another site and was refused.");
  }
  const header = req.headers["x-csrf-token"];
  const sent = typeof header === "string" ? header : "";
  if (!sent) throw new AppError("CSRF", "The request lacks its anti-forgery token. Reload the page.");
  if (req.auth && !sameSecret(sent, req.auth.session.csrfToken)) {
    throw new AppError("CSRF", "The anti-forgery token does not match your session. Reload the page.");
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function deadSessionError(req: FastifyRequest): AppError {
  if (req.authEnded === "account_inactive") {
    return new AppError(
      "ACCOUNT_INACTIVE",
      "This account is not active. Contact the studio if you need access.",
    );
  }
  if (req.authEnded === "expired") {
    return new AppError("SESSION_EXPIRED", "Your session has expired. Please sign in again.");
  }
  return new AppError("UNAUTHENTICATED", "Please sign in.");
}

/** The request's auth, or the right 401/403. */
function authOf(req: FastifyRequest): RequestAuth {
  if (!req.auth) throw deadSessionError(req);
  return req.auth;
}

function requireComplete(req: FastifyRequest): RequestAuth {
  const auth = authOf(req);
  if (auth.session.stage === "password") {
    throw new AppError("MFA_REQUIRED", "Confirm your sign-in with your second factor first.");
  }
  if (auth.session.stage === "enrol") {
    throw new AppError("MFA_ENROLMENT_REQUIRED", "Set up two-step verification before anything else.");
  }
  return auth;
}

/** A fully signed-in session (password and second factor). */
export function requireAuth() {
  return async (req: FastifyRequest): Promise<void> => {
    requireComplete(req);
  };
}

/**
 * A session at one of `stages`: the second-factor step accepts "password", enrolment accepts
 * "enrol" (and "complete" when a signed-in user adds a factor).
 */
export function requireStage(...stages: SessionStage[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const auth = authOf(req);
    if (!stages.includes(auth.session.stage)) {
      if (auth.session.stage === "enrol") requireComplete(req);
      throw new AppError("FORBIDDEN", "This step is not open for your session.");
    }
  };
}

/** A complete session whose user holds at least one of `roles`. */
export function requireRole(...roles: Role[]) {
  return async (req: FastifyRequest): Promise<void> => {
    const auth = requireComplete(req);
    if (!auth.user.roles.some((r) => roles.includes(r))) {
      throw new AppError("FORBIDDEN", "You do not have access to this.");
    }
  };
}

/**
 * A complete session whose user re-proved a second factor within `maxAgeMs` (signing in with the
 * second factor counts). The client then runs the step-up ceremony and retries.
 */
export function requireStepUp(maxAgeMs: number) {
  return async (req: FastifyRequest): Promise<void> => {
    const auth = requireComplete(req);
    const at = auth.session.stepUpAt;
    const now = req.authCheckedAt ?? new Date(0);
    if (!at || now.getTime() - at.getTime() > maxAgeMs) {
      throw new AppError("STEP_UP_REQUIRED", "Confirm it is you with your second factor, then try again.", {
        details: { maxAgeSeconds: Math.round(maxAgeMs / 1000) },
      });
    }
  };
}

/** The signed-in user's auth inside a handler guarded by one of the above. */
export function authFrom(req: FastifyRequest): RequestAuth {
  return authOf(req);
}
