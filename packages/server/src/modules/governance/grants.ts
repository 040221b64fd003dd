import { and, eq, inArray } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { PARTNER_ROLES, type Role, userRoles, userTaskTypes } from "../directory/schema.ts";
import type { Catalogue } from "./request-rules.ts";

/**
 * Replace a person's partner roles with `roles` (studio roles are not touched here). Roles go to
 * one user each: there is no group to grant to. Returns what changed, for the audit record.
 */
export async function setPartnerRoles(
  q: Queryable,
  clock: Clock,
  grantedBy: string,
  userId: string,
  roles: Role[],
): Promise<{ added: Role[]; removed: Role[] }> {
  const current = (await q.select().from(userRoles).where(eq(userRoles.userId, userId)))
    .map((r) => r.role)
    .filter((r) => PARTNER_ROLES.includes(r));
  const added = roles.filter((r) => !current.includes(r));
  const removed = current.filter((r) => !roles.includes(r));
  if (removed.length) {
    await q.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.role, removed)));
  }
  if (added.length) {
    await q
      .insert(userRoles)
      .values(added.map((role) => ({ userId, role, grantedAt: clock.now(), grantedBy })));
  }
  return { added, removed };
}

/** Replace a person's approved task types. */
export async function setTaskTypes(
  q: Queryable,
  clock: Clock,
  grantedBy: string,
  userId: string,
  taskTypes: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const current = (await q.select().from(userTaskTypes).where(eq(userTaskTypes.userId, userId))).map(
    (r) => r.taskType,
  );
  const added = taskTypes.filter((t) => !current.includes(t));
  const removed = current.filter((t) => !taskTypes.includes(t));
  if (removed.length) {
    await q
      .delete(userTaskTypes)
      .where(and(eq(userTaskTypes.userId, userId), inArray(userTaskTypes.taskType, removed)));
  }
  if (added.length) {
    await q
      .insert(userTaskTypes)
      .values(added.map((taskType) => ({ userId, taskType, grantedAt: clock.now(), grantedBy })));
  }
  return { added, removed };
}

/** The task types a person keeps when their roles change: those their new roles still allow. */
export function taskTypesFitting(catalogue: Catalogue, roles: string[], taskTypes: string[]): string[] {
  if (!roles.includes("operator") && !roles.includes("verifier")) return [];
  return taskTypes.filter((t) => {
    const type = catalogue.taskTypes.get(t);
    return type && (!type.requiresRole || roles.includes(type.requiresRole));
  });
}
