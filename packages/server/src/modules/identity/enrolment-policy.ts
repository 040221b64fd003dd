import type { Role } from "../directory/schema.ts";

/**
 * The one MFA enrolment decision (DOMAIN.md identity rule 2; IDENTITY.md: enrolment is never
 * conditional, cf. Keycloak #21837):
 *
 * - a user holding two or more factors: "ok";
 * - one factor: "enrolled-one-factor-urge-second" (sign-in goes on; the UI urges a second);
 * - no factor:
 *   - studio staff (no partner, or a studio role): "must-enrol" (the admin's MFA is non-negotiable);
 *   - a new partner account (anything not listed as pre-existing in mfa_grace_accounts): "must-enrol"
 *     (new accounts always enrol at first sign-in);
 *   - a pre-existing partner account: "urged" strictly before the partner's enforcement date (read
 *     as a calendar date in the studio time zone), "must-enrol" from that date on, and "must-enrol"
 *     when the partner has no date (MFA for every external user is the default; a date only defers).
 *
 * How sign-in uses it: a user with a factor gets a stage "password" session (second factor owed).
 * A user without one gets a stage "enrol" session: with "must-enrol" nothing but enrolment is
 * reachable; with "urged" the user may postpone (POST /api/auth/enrolment/postpone), which the
 * server allows only while this function still says "urged" and which completes the session on
 * the password alone (amr ["pwd"]) until the partner's date.
 */
export type MfaEnrolmentDecision = "must-enrol" | "urged" | "enrolled-one-factor-urge-second" | "ok";

export interface MfaPolicyInput {
  user: {
    partnerId: string | null;
    roles: readonly Role[];
    /** listed in mfa_grace_accounts: existed before the rollout, may be urged until the date */
    preExisting: boolean;
  };
  partner: { mfaEnforcementDate: string | null } | null;
  factorCount: number;
  now: Date;
  timeZone: string;
}

const STUDIO_ROLES: readonly Role[] = ["studio_admin", "security_auditor"];

export function mfaEnrolmentDecision(input: MfaPolicyInput): MfaEnrolmentDecision {
  if (input.factorCount >= 2) return "ok";
  if (input.factorCount === 1) return "enrolled-one-factor-urge-second";
  const { user, partner } = input;
  const isStudioStaff = user.partnerId === null || user.roles.some((r) => STUDIO_ROLES.includes(r));
  if (isStudioStaff || !user.preExisting) return "must-enrol";
  const date = partner?.mfaEnforcementDate ?? null;
  if (date === null) return "must-enrol";
  return calendarDate(input.now, input.timeZone) < date ? "urged" : "must-enrol";
}

/** YYYY-MM-DD of `instant` in `timeZone` (en-CA formats dates as ISO) */
export function calendarDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
}
