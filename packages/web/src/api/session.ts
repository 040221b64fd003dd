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

/** What the MFA policy says about this user (the "must enrol now / urged to enrol" decision). */
export interface MfaPolicyView {
  /** the user may not go on until a factor is enrolled */
  mustEnrol: boolean;
  /** before the partner's enforcement date: shown as a banner, not a wall */
  urged: boolean;
  /** the partner's enforcement date (studio time zone), if any */
  enforcementDate: string | null;
  /** how many second factors the user holds (recovery codes not counted) */
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
}

interface RawSession {
  user?: SessionUser | null;
  session?: { stage?: Stage; csrfToken?: string; amr?: string[]; stepUpAt?: string | null } | null;
  stage?: Stage;
  csrfToken?: string;
  amr?: string[];
  mfa?: Partial<MfaPolicyView> | null;
}

/** GET /api/auth/session, normalised; no session is not an error, it is { user: null }. */
export async function fetchSession(): Promise<SessionView> {
  const raw = await get<RawSession>(endpoints.session);
  const s = raw.session ?? null;
  const csrfToken = s?.csrfToken ?? raw.csrfToken ?? null;
  setCsrfToken(csrfToken);
  const mfa = raw.mfa
    ? {
        mustEnrol: Boolean(raw.mfa.mustEnrol),
        urged: Boolean(raw.mfa.urged),
        enforcementDate: raw.mfa.enforcementDate ?? null,
        factorCount: raw.mfa.factorCount ?? 0,
        methods: raw.mfa.methods ?? ["otp", "webauthn", "recovery"],
      }
    : null;
  return {
    user: raw.user ?? null,
    stage: s?.stage ?? raw.stage ?? null,
    csrfToken,
    amr: s?.amr ?? raw.amr ?? [],
    stepUpAt: s?.stepUpAt ?? null,
    mfa,
  };
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
