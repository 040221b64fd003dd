import type { Role, UserStatus } from "../directory/schema.ts";

/**
 * The authentication contract every module relies on. The identity module fills `request.auth`
 * on every request from the session cookie (and re-checks the account's status each time); other
 * modules only read it through the guards in guards.ts.
 */

/** How a session's user proved who they are; these become the OIDC `amr` values later. */
export type AuthMethod = "pwd" | "otp" | "hwk" | "swk" | "rec";
// pwd: password; otp: TOTP app or hardware OATH token; hwk: hardware security key (WebAuthn,
// cross-platform); swk: software key / platform passkey (WebAuthn, platform); rec: recovery code

/**
 * Stages of a session: "password" = password checked, second factor (or enrolment) still owed;
 * "enrol" = signed in but must enrol MFA before anything else; "complete" = fully signed in.
 */
export type SessionStage = "password" | "enrol" | "complete";

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  status: UserStatus;
  partnerId: string | null;
  roles: Role[];
}

export interface AuthSession {
  id: string;
  userId: string;
  stage: SessionStage;
  /** methods used, in order */
  amr: AuthMethod[];
  /** when the user last fully authenticated (OIDC auth_time) */
  authTime: Date | null;
  /** when the user last re-proved a second factor (step-up) */
  stepUpAt: Date | null;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
}

export interface RequestAuth {
  user: AuthUser;
  session: AuthSession;
}

declare module "fastify" {
  interface FastifyRequest {
    /** null when the request carries no live session */
    auth: RequestAuth | null;
  }
}
