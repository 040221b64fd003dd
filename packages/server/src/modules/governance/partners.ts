import { and, asc, count, eq, ne } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { partners, taskTypes, users } from "../directory/schema.ts";
import type { Caller } from "./caller.ts";
import { verifierSeatsTaken } from "./request-rules.ts";
import { assertSeesPartner, assertStudioAdmin, governanceScope, partnerFilter } from "./scope.ts";

/** Partner facilities: domains, contact, verifier seats, MFA enforcement date (Studio Admin edits). */
export interface PartnerView {
  id: string;
  name: string;
  allowedDomains: string[];
  contactName: string | null;
  contactEmail: string | null;
  verifierSeats: number;
  verifierSeatsTaken: number;
  mfaEnforcementDate: string | null;
  people: number;
}

export interface PartnerInput {
  name: string;
  allowedDomains: string[];
  contactName?: string | null;
  contactEmail?: string | null;
  verifierSeats?: number;
  mfaEnforcementDate?: string | null;
}

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

function cleanDomains(domains: string[]): string[] {
  const out = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))];
  const bad = out.filter((d) => !DOMAIN.test(d));
  if (bad.length) throw new AppError("VALIDATION", `Not an email domain: ${bad.join(", ")}.`);
  return out.sort();
}

export async function listPartners(ctx: AppContext, caller: Pick<Caller, "user">): Promise<PartnerView[]> {
  const own = partnerFilter(governanceScope(caller.user));
  const rows = await ctx.database.db
    .select()
    .from(partners)
    .where(own ? eq(partners.id, own) : undefined)
    .orderBy(asc(partners.name));
  return Promise.all(rows.map((p) => view(ctx, p)));
}

export async function getPartner(
  ctx: AppContext,
  caller: Pick<Caller, "user">,
  id: string,
): Promise<PartnerView> {
  assertSeesPartner(governanceScope(caller.user), id, "That partner");
  const [p] = await ctx.database.db.select().from(partners).where(eq(partners.id, id));
  if (!p) throw notFound("That partner");
  return view(ctx, p);
}

async function view(ctx: AppContext, p: typeof partners.$inferSelect): Promise<PartnerView> {
  const [people] = await ctx.database.db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.partnerId, p.id), ne(users.status, "deactivated")));
  return {
    id: p.id,
    name: p.name,
    allowedDomains: p.allowedDomains,
    contactName: p.contactName,
    contactEmail: p.contactEmail,
    verifierSeats: p.verifierSeats,
    verifierSeatsTaken: await verifierSeatsTaken(ctx.database.db, p.id),
    mfaEnforcementDate: p.mfaEnforcementDate,
    people: people.n,
  };
}

export async function createPartner(
  ctx: AppContext,
  caller: Caller,
  input: PartnerInput,
): Promise<PartnerView> {
  assertStudioAdmin(caller.user);
  const id = crypto.randomUUID();
  await ctx.database.db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ id: partners.id })
      .from(partners)
      .where(eq(partners.name, input.name.trim()));
    if (clash) throw new AppError("CONFLICT", `A partner named ${input.name.trim()} already exists.`);
    const values = {
      id,
      name: input.name.trim(),
      allowedDomains: cleanDomains(input.allowedDomains),
      contactName: input.contactName?.trim() || null,
      contactEmail: input.contactEmail?.trim() || null,
      verifierSeats: input.verifierSeats ?? 2,
      mfaEnforcementDate: input.mfaEnforcementDate ?? null,
      createdAt: ctx.clock.now(),
    };
    await tx.insert(partners).values(values);
    await recordAudit(tx, ctx.clock, caller.actor, {
      action: "partner.created",
      target: { type: "partner", id, label: values.name },
      partnerId: id,
      details: { ...values, createdAt: undefined },
    });
  });
  return getPartner(ctx, caller, id);
}

/** Change a partner; each changed field is audited, the MFA enforcement date under its own action. */
export async function updatePartner(
  ctx: AppContext,
  caller: Caller,
  id: string,
  patch: Partial<PartnerInput>,
): Promise<PartnerView> {
  assertStudioAdmin(caller.user);
  await ctx.database.db.transaction(async (tx) => {
    const [before] = await tx.select().from(partners).where(eq(partners.id, id)).for("update");
    if (!before) throw notFound("That partner");
    const next = {
      name: patch.name?.trim() ?? before.name,
      allowedDomains: patch.allowedDomains ? cleanDomains(patch.allowedDomains) : before.allowedDomains,
      contactName: patch.contactName === undefined ? before.contactName : patch.contactName?.trim() || null,
      contactEmail:
        patch.contactEmail === undefined ? before.contactEmail : patch.contactEmail?.trim() || null,
      verifierSeats: patch.verifierSeats ?? before.verifierSeats,
      mfaEnforcementDate:
        patch.mfaEnforcementDate === undefined ? before.mfaEnforcementDate : patch.mfaEnforcementDate,
    };
    if (next.name !== before.name) {
      const [clash] = await tx.select({ id: partners.id }).from(partners).where(eq(partners.name, next.name));
      if (clash) throw new AppError("CONFLICT", `A partner named ${next.name} already exists.`);
    }
    if (next.verifierSeats < before.verifierSeats) {
      const taken = await verifierSeatsTaken(tx, id);
      if (taken > next.verifierSeats) {
        throw new AppError(
          "SEAT_LIMIT",
          `${taken} verifier seat(s) are taken or requested; change those roles before lowering the limit to ${next.verifierSeats}.`,
        );
      }
    }
    await tx.update(partners).set(next).where(eq(partners.id, id));
    const changed = Object.fromEntries(
      Object.entries(next)
        .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof typeof before]))
        .map(([k, v]) => [k, { from: before[k as keyof typeof before], to: v }]),
    );
    const { mfaEnforcementDate, ...rest } = changed;
    if (mfaEnforcementDate) {
      await recordAudit(tx, ctx.clock, caller.actor, {
        action: "partner.mfa_enforcement_date_changed",
        target: { type: "partner", id, label: next.name },
        partnerId: id,
        details: mfaEnforcementDate as Record<string, unknown>,
      });
    }
    if (Object.keys(rest).length) {
      await recordAudit(tx, ctx.clock, caller.actor, {
        action: "partner.updated",
        target: { type: "partner", id, label: next.name },
        partnerId: id,
        details: rest,
      });
    }
  });
  return getPartner(ctx, caller, id);
}

export type TaskType = typeof taskTypes.$inferSelect;

export async function listTaskTypes(ctx: AppContext): Promise<TaskType[]> {
  return ctx.database.db.select().from(taskTypes).orderBy(asc(taskTypes.sortOrder), asc(taskTypes.name));
}

export async function saveTaskType(
  ctx: AppContext,
  caller: Caller,
  input: {
    key: string;
    name: string;
    description: string;
    requiresRole?: "verifier" | null;
    active?: boolean;
  },
): Promise<TaskType> {
  assertStudioAdmin(caller.user);
  return ctx.database.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(taskTypes).where(eq(taskTypes.key, input.key));
    const values = {
      key: input.key,
      name: input.name.trim(),
      description: input.description.trim(),
      requiresRole: input.requiresRole ?? null,
      active: input.active ?? true,
    };
    const [clash] = await tx
      .select()
      .from(taskTypes)
      .where(and(eq(taskTypes.name, values.name), ne(taskTypes.key, input.key)));
    if (clash) throw new AppError("CONFLICT", `A task type named ${values.name} already exists.`);
    const [saved] = existing
      ? await tx.update(taskTypes).set(values).where(eq(taskTypes.key, input.key)).returning()
      : await tx.insert(taskTypes).values(values).returning();
    await recordAudit(tx, ctx.clock, caller.actor, {
      action: existing ? "task_type.updated" : "task_type.created",
      target: { type: "task_type", id: input.key, label: values.name },
      details: values,
    });
    return saved;
  });
}
