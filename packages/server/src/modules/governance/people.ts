import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { Queryable } from "../../platform/db/client.ts";
import { notFound } from "../../platform/errors.ts";
import { type Role, type UserStatus, userRoles, users, userTaskTypes } from "../directory/schema.ts";

/** A partner's person as the directory shows them: roles and approved task types. */
export interface Person {
  id: string;
  name: string;
  email: string;
  status: UserStatus;
  partnerId: string | null;
  roles: Role[];
  taskTypes: string[];
}

/** Roles and task types of the given users, keyed by user id. */
export async function grantsOf(
  q: Queryable,
  userIds: string[],
): Promise<Map<string, { roles: Role[]; taskTypes: string[] }>> {
  const out = new Map<string, { roles: Role[]; taskTypes: string[] }>();
  for (const id of userIds) out.set(id, { roles: [], taskTypes: [] });
  if (userIds.length === 0) return out;
  const [roles, tasks] = await Promise.all([
    q.select().from(userRoles).where(inArray(userRoles.userId, userIds)),
    q.select().from(userTaskTypes).where(inArray(userTaskTypes.userId, userIds)),
  ]);
  for (const r of roles) out.get(r.userId)?.roles.push(r.role);
  for (const t of tasks) out.get(t.userId)?.taskTypes.push(t.taskType);
  for (const g of out.values()) {
    g.roles.sort();
    g.taskTypes.sort();
  }
  return out;
}

/** The people of a partner, by name; deactivated accounts only when asked for. */
export async function listPeople(
  q: Queryable,
  partnerId: string,
  opts: { includeDeactivated?: boolean } = {},
): Promise<Person[]> {
  const rows = await q
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      status: users.status,
      partnerId: users.partnerId,
    })
    .from(users)
    .where(
      and(
        eq(users.partnerId, partnerId),
        opts.includeDeactivated ? undefined : ne(users.status, "deactivated"),
      ),
    )
    .orderBy(asc(users.name));
  const grants = await grantsOf(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, ...grants.get(r.id)! }));
}

export async function getPerson(q: Queryable, userId: string): Promise<Person> {
  const [row] = await q
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      status: users.status,
      partnerId: users.partnerId,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw notFound("That person");
  const grants = await grantsOf(q, [userId]);
  return { ...row, ...grants.get(userId)! };
}
