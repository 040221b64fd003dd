import { forbidden, notFound } from "../../platform/errors.ts";
import type { AuthUser } from "../identity/auth-types.ts";

/**
 * Who may see what in governance. The studio (Studio Admin: read and write; Security Auditor:
 * read only) sees every partner; a Vendor Manager sees only their own facility. Other partner
 * roles (operators, verifiers, download managers) have no governance pages.
 *
 * Policy, applied everywhere: a route a role may never use answers 403; an object of another
 * partner answers 404 exactly as a missing one does, so a partner cannot learn that it exists.
 */
export type Scope =
  | { kind: "studio"; userId: string; canWrite: boolean }
  | { kind: "partner"; userId: string; partnerId: string };

export function governanceScope(user: AuthUser): Scope {
  if (user.roles.includes("studio_admin")) return { kind: "studio", userId: user.id, canWrite: true };
  if (user.roles.includes("security_auditor")) return { kind: "studio", userId: user.id, canWrite: false };
  if (user.roles.includes("vendor_manager") && user.partnerId) {
    return { kind: "partner", userId: user.id, partnerId: user.partnerId };
  }
  throw forbidden("Only Vendor Managers and the studio manage partner access.");
}

/** A scope that may change things: a Studio Admin, or a Vendor Manager for their facility. */
export function writableScope(user: AuthUser): Scope {
  const scope = governanceScope(user);
  if (scope.kind === "studio" && !scope.canWrite) throw forbidden("Security Auditors have read-only access.");
  return scope;
}

export function assertStudioAdmin(user: AuthUser): void {
  if (!user.roles.includes("studio_admin")) throw forbidden("Only a Studio Admin can do this.");
}

export function assertStudioReader(user: AuthUser): Scope {
  const scope = governanceScope(user);
  if (scope.kind !== "studio") throw forbidden("Only the studio can see this.");
  return scope;
}

export function seesPartner(scope: Scope, partnerId: string): boolean {
  return scope.kind === "studio" || scope.partnerId === partnerId;
}

/** 404 for another partner's object: the same answer as for one that does not exist. */
export function assertSeesPartner(scope: Scope, partnerId: string | null, what: string): void {
  if (partnerId === null || !seesPartner(scope, partnerId)) throw notFound(what);
}

export function partnerFilter(scope: Scope): string | null {
  return scope.kind === "partner" ? scope.partnerId : null;
}
