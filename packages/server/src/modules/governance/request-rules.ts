import { and, count, eq, ne, sql } from "drizzle-orm";
import type { Queryable } from "../../platform/db/client.ts";
import { AppError, type ErrorCode } from "../../platform/errors.ts";
import { PARTNER_ROLES, partners, type Role, taskTypes, userRoles, users } from "../directory/schema.ts";
import { canonicalEmail, emailDomain, roleAddressReason } from "./identity-hooks.ts";
import { accessRequests } from "./schema.ts";

/**
 * The rules every way in (the request form, a campaign review, the bulk import) applies to a
 * person and what they are granted. Each check returns problems instead of throwing, so the import
 * can report every problem of every row; the form throws the first with all of them attached.
 */
export type ProblemCode =
  | "UNKNOWN_PARTNER"
  | "INVALID_EMAIL"
  | "MISSING_NAME"
  | "DOMAIN_NOT_ALLOWED"
  | "ROLE_ADDRESS"
  | "DUPLICATE_PERSON"
  | "NO_ROLE"
  | "UNKNOWN_ROLE"
  | "UNKNOWN_TASK_TYPE"
  | "TASK_TYPE_NEEDS_ROLE"
  | "SEAT_LIMIT";

export interface Problem {
  code: ProblemCode;
  field: "partner" | "name" | "email" | "roles" | "taskTypes";
  message: string;
}

export interface PartnerRow {
  id: string;
  name: string;
  allowedDomains: string[];
  verifierSeats: number;
}

export interface Catalogue {
  taskTypes: Map<string, { requiresRole: "verifier" | null }>;
}

export async function loadCatalogue(q: Queryable): Promise<Catalogue> {
  const rows = await q.select().from(taskTypes).where(eq(taskTypes.active, true));
  return { taskTypes: new Map(rows.map((r) => [r.key, { requiresRole: r.requiresRole }])) };
}

export async function loadPartner(q: Queryable, partnerId: string): Promise<PartnerRow | undefined> {
  const [p] = await q
    .select({
      id: partners.id,
      name: partners.name,
      allowedDomains: partners.allowedDomains,
      verifierSeats: partners.verifierSeats,
    })
    .from(partners)
    .where(eq(partners.id, partnerId));
  return p;
}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** A new person: a real name, a personal address in one of the partner's domains, not known yet. */
export async function checkNewPerson(
  q: Queryable,
  partner: PartnerRow,
  person: { name: string; email: string },
  /** the onboarding request being decided, which must not count as its own duplicate */
  exceptRequestId?: string,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (!person.name.trim())
    problems.push({ code: "MISSING_NAME", field: "name", message: "Give the person's name." });
  const email = person.email.trim();
  if (!EMAIL.test(email)) {
    problems.push({ code: "INVALID_EMAIL", field: "email", message: `"${email}" is not an email address.` });
    return problems;
  }
  const domain = emailDomain(email);
  if (!partner.allowedDomains.includes(domain)) {
    problems.push({
      code: "DOMAIN_NOT_ALLOWED",
      field: "email",
      message: `${partner.name} accounts must use an address at ${partner.allowedDomains.join(", ") || "(no domain yet: ask the studio)"}, not ${domain}.`,
    });
  }
  const roleAddress = await roleAddressReason(q, email);
  if (roleAddress) {
    problems.push({
      code: "ROLE_ADDRESS",
      field: "email",
      message: `${roleAddress}: every account belongs to one person. Give this person's own address.`,
    });
  }
  const canonical = canonicalEmail(email);
  const [existing] = await q.select({ id: users.id }).from(users).where(eq(users.emailCanonical, canonical));
  const [pending] = await q
    .select({ id: accessRequests.id })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.subjectEmailCanonical, canonical),
        eq(accessRequests.kind, "onboard"),
        eq(accessRequests.status, "pending"),
        exceptRequestId ? ne(accessRequests.id, exceptRequestId) : undefined,
      ),
    );
  if (existing || pending) {
    problems.push({
      code: "DUPLICATE_PERSON",
      field: "email",
      message: `${email} already has a Loupe account or an open onboarding request: one account per person. Ask the studio if they moved facility.`,
    });
  }
  return problems;
}

/** Roles and task types that fit together and exist. */
export function checkGrants(
  catalogue: Catalogue,
  grants: { roles: string[]; taskTypes: string[] },
): Problem[] {
  const problems: Problem[] = [];
  if (grants.roles.length === 0) {
    problems.push({
      code: "NO_ROLE",
      field: "roles",
      message: "Choose at least one role (to remove every role, deactivate).",
    });
  }
  for (const r of grants.roles) {
    if (!PARTNER_ROLES.includes(r as Role)) {
      problems.push({ code: "UNKNOWN_ROLE", field: "roles", message: `"${r}" is not a partner role.` });
    }
  }
  const doesQc = grants.roles.includes("operator") || grants.roles.includes("verifier");
  for (const t of grants.taskTypes) {
    const type = catalogue.taskTypes.get(t);
    if (!type) {
      problems.push({ code: "UNKNOWN_TASK_TYPE", field: "taskTypes", message: `"${t}" is not a task type.` });
    } else if (!doesQc) {
      problems.push({
        code: "TASK_TYPE_NEEDS_ROLE",
        field: "taskTypes",
        message: "Task types are approved for operators and verifiers only.",
      });
    } else if (type.requiresRole && !grants.roles.includes(type.requiresRole)) {
      problems.push({
        code: "TASK_TYPE_NEEDS_ROLE",
        field: "taskTypes",
        message: `"${t}" is for ${type.requiresRole}s only.`,
      });
    }
  }
  return problems;
}

/**
 * Verifier seats taken at a partner: active (non-deactivated) verifiers plus open requests that
 * would make someone a verifier, leaving out `exceptRequestId` (the request being decided).
 */
export async function verifierSeatsTaken(
  q: Queryable,
  partnerId: string,
  exceptRequestId?: string,
): Promise<number> {
  const [held] = await q
    .select({ n: count() })
    .from(userRoles)
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(
      and(eq(users.partnerId, partnerId), eq(userRoles.role, "verifier"), ne(users.status, "deactivated")),
    );
  const [asked] = await q
    .select({ n: count() })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.partnerId, partnerId),
        eq(accessRequests.status, "pending"),
        sql`${accessRequests.kind} in ('onboard', 'change_roles')`,
        sql`${accessRequests.payload}->'roles' @> '["verifier"]'::jsonb`,
        // a change that keeps an existing verifier a verifier takes no new seat
        sql`(${accessRequests.subjectUserId} is null or not exists (select 1 from ${userRoles} where ${userRoles.userId} = ${accessRequests.subjectUserId} and ${userRoles.role} = 'verifier'))`,
        exceptRequestId ? ne(accessRequests.id, exceptRequestId) : undefined,
      ),
    );
  return held.n + asked.n;
}

export function seatProblem(partner: PartnerRow, taken: number): Problem | null {
  if (taken + 1 <= partner.verifierSeats) return null;
  return {
    code: "SEAT_LIMIT",
    field: "roles",
    message: `${partner.name} has ${partner.verifierSeats} verifier seat(s), all taken. Free one first or ask the studio for more.`,
  };
}

const HTTP_CODE: Record<ProblemCode, ErrorCode> = {
  UNKNOWN_PARTNER: "NOT_FOUND",
  INVALID_EMAIL: "VALIDATION",
  MISSING_NAME: "VALIDATION",
  DOMAIN_NOT_ALLOWED: "DOMAIN_NOT_ALLOWED",
  ROLE_ADDRESS: "ROLE_ADDRESS",
  DUPLICATE_PERSON: "CONFLICT",
  NO_ROLE: "VALIDATION",
  UNKNOWN_ROLE: "VALIDATION",
  UNKNOWN_TASK_TYPE: "VALIDATION",
  TASK_TYPE_NEEDS_ROLE: "VALIDATION",
  SEAT_LIMIT: "SEAT_LIMIT",
};

/** Refuse with the first problem's code and message, listing all of them. */
export function throwIfProblems(problems: Problem[]): void {
  if (problems.length === 0) return;
  const first = problems[0];
  throw new AppError(HTTP_CODE[first.code], first.message, { details: { problems } });
}
