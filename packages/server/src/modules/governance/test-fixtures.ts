/** Test helpers for governance: partners, people and complete sessions, made directly in the DB. */
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import {
  partners,
  type Role,
  type UserStatus,
  userRoles,
  users,
  userTaskTypes,
} from "../directory/schema.ts";
import type { AuthUser } from "../identity/auth-types.ts";
import { createSession, SESSION_COOKIE } from "../identity/session-service.ts";
import type { Caller } from "./caller.ts";
import { canonicalEmail } from "./identity-hooks.ts";

export async function makePartner(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  input: { name: string; domains: string[]; verifierSeats?: number; mfaEnforcementDate?: string },
): Promise<string> {
  const id = crypto.randomUUID();
  await q.insert(partners).values({
    id,
    name: input.name,
    allowedDomains: input.domains,
    verifierSeats: input.verifierSeats ?? 2,
    mfaEnforcementDate: input.mfaEnforcementDate ?? null,
    createdAt: ctx.clock.now(),
  });
  return id;
}

export async function makePerson(
  q: Queryable,
  ctx: Pick<AppContext, "clock">,
  input: {
    name: string;
    email: string;
    partnerId: string | null;
    roles: Role[];
    taskTypes?: string[];
    status?: UserStatus;
  },
): Promise<AuthUser> {
  const id = crypto.randomUUID();
  const now = ctx.clock.now();
  const status = input.status ?? "active";
  await q.insert(users).values({
    id,
    email: input.email,
    emailCanonical: canonicalEmail(input.email),
    name: input.name,
    status,
    partnerId: input.partnerId,
    emailVerifiedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  if (input.roles.length) {
    await q.insert(userRoles).values(input.roles.map((role) => ({ userId: id, role, grantedAt: now })));
  }
  if (input.taskTypes?.length) {
    await q
      .insert(userTaskTypes)
      .values(input.taskTypes.map((taskType) => ({ userId: id, taskType, grantedAt: now })));
  }
  return { id, email: input.email, name: input.name, status, partnerId: input.partnerId, roles: input.roles };
}

export function callerOf(user: AuthUser): Caller {
  return { user, actor: { userId: user.id, email: user.email, ip: "127.0.0.1", userAgent: "test" } };
}

/** A complete (fully signed-in) session: headers for app.inject, CSRF token included. */
export async function signedIn(
  ctx: AppContext,
  user: { id: string },
): Promise<{ cookie: string; "x-csrf-token": string }> {
  const s = await createSession(ctx.database.db, ctx, user, { stage: "complete", amr: ["pwd", "hwk"] });
  return { cookie: `${SESSION_COOKIE}=${s.token}`, "x-csrf-token": s.csrfToken };
}
