/**
 * The one error catalogue. Services throw AppError with a code from here; the HTTP layer maps the
 * code to a status in one place (http/error-handler.ts). Messages are for people: say what is wrong
 * and what to do, never reveal whether another account exists.
 */
export const ERRORS = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  MFA_REQUIRED: 401,
  STEP_UP_REQUIRED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  ACCOUNT_INACTIVE: 403,
  SESSION_EXPIRED: 401,
  MFA_ENROLMENT_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ROLE_ADDRESS: 422,
  WEAK_PASSWORD: 422,
  DOMAIN_NOT_ALLOWED: 422,
  SEAT_LIMIT: 422,
  LINK_EXPIRED: 410,
  TOO_MANY_ATTEMPTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** seconds a client should wait before retrying (TOO_MANY_ATTEMPTS) */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.details = opts.details;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
  get status(): number {
    return ERRORS[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);
export const forbidden = (why = "You do not have access to this.") => new AppError("FORBIDDEN", why);
