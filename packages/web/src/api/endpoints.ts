/**
 * Every API path the UI calls, in one place, so a renamed route is a one-line change.
 * Paths follow the identity and factors modules' routes (packages/server/src/modules/identity).
 */
export const endpoints = {
  session: "/api/auth/session",
  signIn: "/api/auth/sign-in",
  signOut: "/api/auth/sign-out",
  bootstrap: "/api/auth/bootstrap",
  postponeEnrolment: "/api/auth/enrolment/postpone",
  acceptInvitation: "/api/auth/invitation/accept",
  inspectInvitation: "/api/auth/invitation/inspect",
  verifyEmail: "/api/auth/verify-email",
  passwordResetRequest: "/api/auth/password-reset/request",
  passwordResetComplete: "/api/auth/password-reset/complete",
  passwordChange: "/api/auth/password/change",
  sessions: "/api/auth/sessions",
  session1: (id: string) => `/api/auth/sessions/${encodeURIComponent(id)}`,
  signOutEverywhere: "/api/auth/sessions/sign-out-everywhere",

  // second factor at sign-in, and step-up
  verifyOtp: "/api/auth/mfa/otp",
  verifyRecovery: "/api/auth/mfa/recovery-code",
  webauthnAuthOptions: "/api/auth/mfa/webauthn/options",
  webauthnAuthVerify: "/api/auth/mfa/webauthn/verify",
  stepUpOtp: "/api/auth/step-up/otp",
  stepUpWebauthnOptions: "/api/auth/step-up/webauthn/options",
  stepUpWebauthnVerify: "/api/auth/step-up/webauthn/verify",
  stepUpRecovery: "/api/auth/step-up/recovery-code",

  // factors (enrolment and management)
  factors: "/api/factors",
  factor: (id: string) => `/api/factors/${encodeURIComponent(id)}`,
  totpStart: "/api/factors/totp",
  totpConfirm: "/api/factors/totp/confirm",
  oathClaim: "/api/factors/oath/claim",
  webauthnRegOptions: "/api/factors/webauthn/options",
  webauthnRegVerify: "/api/factors/webauthn/verify",
  recoveryCodes: "/api/factors/recovery-codes",

  // administration
  users: "/api/admin/users",
  userAction: (id: string, verb: "suspend" | "reactivate" | "deactivate" | "resend-invitation") =>
    `/api/admin/users/${encodeURIComponent(id)}/${verb}`,
  userResetFactors: (id: string) => `/api/users/${encodeURIComponent(id)}/reset-factors`,
  oathTokens: "/api/oath-tokens",
  oathImport: "/api/oath-tokens/import",
  oathAssign: (serial: string) => `/api/oath-tokens/${encodeURIComponent(serial)}/assign`,
  partners: "/api/governance/partners",
  audit: "/api/audit-log",
  auditCsv: "/api/audit-log/export.csv",
} as const;
