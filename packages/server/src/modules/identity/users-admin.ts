import { and, asc, eq, ilike, or, type SQL } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { partners, type Role, type UserStatus, userRoles, users } from "../directory/schema.ts";
import { type FactorKind, mfaStatusOf } from "./mfa-status.ts";
import { passwordCredentials } from "./schema.ts";

/** The Studio Admin's list of accounts: status, roles, partner, MFA state. */
export interface UserListItem {
  id: string;
  name: string;
  email: string;
  status: UserStatus;
  statusReason: string | null;
  partnerId: string | null;
  partnerName: string | null;
  roles: Role[];
  emailVerified: boolean;
  hasPassword: boolean;
  mfa: { decision: string; factorCount: number; factorTypes: FactorKind[] };
  roleAddressJustification: string | null;
  createdAt: Date;
}

export async function listUsers(
  ctx: AppContext,
  filter: { status?: UserStatus; partnerId?: string; q?: string },
): Promise<UserListItem[]> {
  const db = ctx.database.db;
  const where: SQL[] = [];
  if (filter.status) where.push(eq(users.status, filter.status));
  if (filter.partnerId) where.push(eq(users.partnerId, filter.partnerId));
  if (filter.q) {
    const like = `%${filter.q.replace(/[%_\\]/g, "\\$&")}%`;
    where.push(or(ilike(users.name, like), ilike(users.email, like))!);
  }
  const rows = await db
    .select({ user: users, partnerName: partners.name, passwordAt: passwordCredentials.changedAt })
    .from(users)
    .leftJoin(partners, eq(partners.id, users.partnerId))
    .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(users.name))
    .limit(1000);
  const roleRows = await db.select().from(userRoles);
  const rolesBy = new Map<string, Role[]>();
  for (const r of roleRows) rolesBy.set(r.userId, [...(rolesBy.get(r.userId) ?? []), r.role]);
  return Promise.all(
    rows.map(async ({ user, partnerName, passwordAt }) => {
      const roles = rolesBy.get(user.id) ?? [];
      const mfa = await mfaStatusOf(db, ctx, { id: user.id, partnerId: user.partnerId, roles });
      return {
        id: user.id,
        name: user.name,
        email: user.email,
        status: user.status,
        statusReason: user.statusReason,
        partnerId: user.partnerId,
        partnerName,
        roles,
        emailVerified: user.emailVerifiedAt !== null,
        hasPassword: passwordAt !== null,
        mfa,
        roleAddressJustification: user.roleAddressJustification,
        createdAt: user.createdAt,
      };
    }),
  );
}
