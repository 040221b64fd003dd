import { useQuery, useQueryClient } from "@tanstack/react-query";
import { get, setCsrfToken } from "./client.ts";
import { endpoints } from "./endpoints.ts";

export type Role =
  | "studio_admin"
  | "security_auditor"
  | "vendor_manager"
  | "download_manager"
  | "operator"
  | "verifier";

export type Stage = "password" | "enrol" | "complete";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  status: string;
  partnerId: string | null;
  partnerName?: string | null;
  roles: Role[];
}

/** What the MFA policy says about this user while the session is not complete yet. */
export interface MfaPolicyView {
  /** "must-enrol": nothing until a factor is set up; "urged": set one up now or postpone */
  decision: "must-enrol" | "urged" | "enrolled-one-factor-urge-second" | "ok";
  /** second factors held (recovery codes not counted) */
  factorCount: number;
  /** which kinds the user can answer a second-factor challenge with */
  methods: ("otp" | "webauthn" | "recovery")[];
}

export interface SessionView {
  user: SessionUser | null;
  stage: Stage | null;
  csrfToken: string | null;
  amr: string[];
  stepUpAt: string | null;
  mfa: MfaPolicyView | null;
  /** why a session the browser presented is gone ("expired", "account_inactive", "ended") */
  ended: string | null;
}

interface RawSession {
  authenticated?: boolean;
  ended?: string | null;
  csrfToken?: string;
  user?: SessionUser | null;
  session?: { stage?: Stage; amr?: string[]; stepUpAt?: string | null } | null;
  mfa?: { decision?: MfaPolicyView["decision"]; factorCount?: number; factorTypes?: string[] } | null;
}

/** the factor kinds the server lists, as the ways the sign-in screen offers */
export function methodsOf(factorTypes: string[] | undefined): MfaPolicyView["methods"] {
  const types = factorTypes ?? [];
  const methods: MfaPolicyView["methods"] = [];
  if (types.includes("totp") || types.includes("oath")) methods.push("otp");
  if (types.includes("webauthn")) methods.push("webauthn");
  if (types.includes("recovery")) methods.push("recovery");
  return methods;
}

/** GET /api/auth/session, normalised; no session is not an error, it is { user: null }. */
export async function fetchSession(): Promise<SessionView> {
  const raw = await get<RawSession>(endpoints.session);
  const s = raw.authenticated === false ? null : (raw.session ?? null);
  const csrfToken = raw.csrfToken ?? null;
  setCsrfToken(csrfToken);
  return {
    user: s ? (raw.user ?? null) : null,
    stage: s?.stage ?? null,
    csrfToken,
    amr: s?.amr ?? [],
    stepUpAt: s?.stepUpAt ?? null,
    mfa: raw.mfa
      ? {
          decision: raw.mfa.decision ?? "must-enrol",
          factorCount: raw.mfa.factorCount ?? 0,
          methods: methodsOf(raw.mfa.factorTypes),
        }
      : null,
    ended: raw.ended ?? null,
  };
}

/** a complete session proven by the password alone: the user postponed enrolment while urged */
export function signedInWithoutSecondFactor(session: SessionView): boolean {
  return session.stage === "complete" && session.amr.length > 0 && session.amr.every((m) => m === "pwd");
}

export const sessionKey = ["session"] as const;

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 30_000, retry: 1 });
}

/** after sign-in, sign-out, enrolment: read the session again and drop everything cached for the old one */
export function useRefreshSession(): () => Promise<void> {
  const qc = useQueryClient();
  return async () => {
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
    await qc.invalidateQueries({ queryKey: sessionKey });
    await qc.refetchQueries({ queryKey: sessionKey });
  };
}

export function hasRole(user: SessionUser | null, roles: readonly Role[] | undefined): boolean {
  if (!roles || roles.length === 0) return true;
  return Boolean(user?.roles.some((r) => roles.includes(r)));
}

export const ROLE_LABELS: Record<Role, string> = {
  studio_admin: "Studio Admin",
  security_auditor: "Security Auditor",
  vendor_manager: "Vendor Manager",
  download_manager: "Facility Download Manager",
  operator: "Operator",
  verifier: "Verifier",
};
