import crypto from "node:crypto";
import { and, eq, isNull, ne } from "drizzle-orm";
import type { FastifyReply } from "fastify";
import type { Clock } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import type { AuthMethod, SessionStage } from "./auth-types.ts";
import { sessions } from "./schema.ts";

/**
 * Server-side sessions (NIST SP 800-63B §7.1, ASVS V7). The cookie carries a 256-bit random token;
 * the database keeps only its SHA-256, so the id of a session row is not a credential. A session
 * is rotated (new token, old row revoked) whenever its authentication level changes: at sign-in,
 * on the second factor, and on step-up (ASVS 7.2.4).
 */
export const SESSION_COOKIE = "__Host-loupe_session";

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** What a caller gets back from creating or rotating a session: send `token` in the cookie. */
export interface IssuedSession {
  /** the raw cookie token: never stored, never logged */
  token: string;
  /** the session's id (SHA-256 of the token), as stored */
  id: string;
  csrfToken: string;
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

function newToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** A fresh session for `user`, e.g. after the password step (stage "password" or "enrol"). */
export async function createSession(
  q: Queryable,
  ctx: Pick<AppContext, "clock" | "config">,
  user: { id: string },
  init: { stage: SessionStage; amr: AuthMethod[] },
  meta: SessionMeta = {},
): Promise<IssuedSession> {
  const now = ctx.clock.now();
  const token = newToken();
  const issued: IssuedSession = { token, id: hashToken(token), csrfToken: newToken() };
  await q.insert(sessions).values({
    id: issued.id,
    userId: user.id,
    stage: init.stage,
    amr: init.amr,
    authTime: init.stage === "complete" ? now : null,
    stepUpAt: init.stage === "complete" ? now : null,
    csrfToken: issued.csrfToken,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: new Date(now.getTime() + ctx.config.sessionAbsoluteMs),
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
  });
  return issued;
}

/**
 * The session cookie: __Host- prefix (Secure, Path=/, no Domain: bound to this exact origin),
 * HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs). No Max-Age: the
 * server enforces the timeouts, never the cookie's own expiry (NIST §7.1).
 */
export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  _ctx?: Pick<AppContext, "config">,
): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: "lax", path: "/" });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: "lax", path: "/" });
}

type SessionRow = typeof sessions.$inferSelect;

async function liveSession(q: Queryable, sessionId: string): Promise<SessionRow> {
  const [row] = await q
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .for("update");
  if (!row) throw new AppError("UNAUTHENTICATED", "Your session has ended. Please sign in again.");
  return row;
}

/** Replace `old` by a new row (new token and csrf token) with `changes`, and end `old`. */
async function rotate(
  q: Queryable,
  clock: Clock,
  old: SessionRow,
  changes: Partial<Pick<SessionRow, "stage" | "amr" | "authTime" | "stepUpAt">>,
  meta: SessionMeta,
): Promise<IssuedSession> {
  const now = clock.now();
  const token = newToken();
  const issued: IssuedSession = { token, id: hashToken(token), csrfToken: newToken() };
  await q.update(sessions).set({ revokedAt: now, revokedReason: "rotated" }).where(eq(sessions.id, old.id));
  await q.insert(sessions).values({
    ...old,
    ...changes,
    id: issued.id,
    csrfToken: issued.csrfToken,
    lastSeenAt: now,
    revokedAt: null,
    revokedReason: null,
    ip: meta.ip ?? old.ip,
    userAgent: meta.userAgent?.slice(0, 512) ?? old.userAgent,
  });
  return issued;
}

function appendMethod(amr: string[], method: AuthMethod): AuthMethod[] {
  return (amr.includes(method) ? amr : [...amr, method]) as AuthMethod[];
}

/**
 * A second factor succeeded (or enrolment finished): the session becomes complete. Rotates the
 * session id, so a token captured before this point is dead. Keeps the absolute expiry of the
 * original sign-in.
 */
export async function upgradeSession(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  sessionId: string,
  method: AuthMethod,
  meta: SessionMeta = {},
): Promise<IssuedSession> {
  const old = await liveSession(q, sessionId);
  const now = ctx.clock.now();
  return rotate(
    q,
    ctx.clock,
    old,
    { stage: "complete", amr: appendMethod(old.amr, method), authTime: now, stepUpAt: now },
    meta,
  );
}

/** The user re-proved a second factor for a sensitive action: rotate and stamp step_up_at. */
export async function recordStepUp(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  sessionId: string,
  method: AuthMethod,
  meta: SessionMeta = {},
): Promise<IssuedSession> {
  const old = await liveSession(q, sessionId);
  if (old.stage !== "complete") throw new AppError("MFA_REQUIRED", "Finish signing in first.");
  return rotate(q, ctx.clock, old, { amr: appendMethod(old.amr, method), stepUpAt: ctx.clock.now() }, meta);
}

/**
 * End every live session of a user (sign out everywhere, deactivation, suspension, password or
 * factor reset), optionally keeping one (the caller's own). Returns how many ended.
 */
export async function revokeSessions(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  userId: string,
  exceptSessionId?: string,
  reason = "revoked",
): Promise<number> {
  const conditions = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (exceptSessionId) conditions.push(ne(sessions.id, exceptSessionId));
  const ended = await q
    .update(sessions)
    .set({ revokedAt: ctx.clock.now(), revokedReason: reason })
    .where(and(...conditions))
    .returning({ id: sessions.id });
  return ended.length;
}

/** End one session (logout, or the user revoking one of their devices). */
export async function revokeSession(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  sessionId: string,
  reason = "logout",
): Promise<boolean> {
  const ended = await q
    .update(sessions)
    .set({ revokedAt: ctx.clock.now(), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return ended.length > 0;
}
