import { and, asc, eq, inArray } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import { notFound } from "../../platform/errors.ts";
import { partners, users } from "../directory/schema.ts";
import { countFactors } from "../identity/factors/index.ts";
import type { Caller } from "./caller.ts";
import { assertStudioAdmin, assertStudioReader } from "./scope.ts";

/** MFA adoption per partner, for the rollout (DOMAIN.md identity rule 2). */
export interface PartnerAdoption {
  partnerId: string;
  partnerName: string;
  mfaEnforcementDate: string | null;
  /** active and invited people (suspended and deactivated ones cannot sign in) */
  users: number;
  enrolled: number;
  notEnrolled: number;
  /** people holding at least one factor of the type */
  byType: { totp: number; oath: number; webauthn: number };
  /** enrolled, but with a single factor: one lost key away from a reset */
  oneFactorOnly: number;
  withRecoveryCodes: number;
}

async function peopleWithFactors(ctx: AppContext, partnerId: string) {
  const people = await ctx.database.db
    .select({ id: users.id, name: users.name, email: users.email, status: users.status })
    .from(users)
    .where(and(eq(users.partnerId, partnerId), inArray(users.status, ["active", "invited"])));
  return Promise.all(people.map(async (p) => ({ ...p, factors: await countFactors(ctx.database.db, p.id) })));
}

export async function mfaAdoption(ctx: AppContext, caller: Pick<Caller, "user">): Promise<PartnerAdoption[]> {
  assertStudioReader(caller.user);
  const all = await ctx.database.db.select().from(partners).orderBy(asc(partners.name));
  const out: PartnerAdoption[] = [];
  for (const p of all) {
    const people = await peopleWithFactors(ctx, p.id);
    const enrolled = people.filter((x) => x.factors.total > 0);
    out.push({
      partnerId: p.id,
      partnerName: p.name,
      mfaEnforcementDate: p.mfaEnforcementDate,
      users: people.length,
      enrolled: enrolled.length,
      notEnrolled: people.length - enrolled.length,
      byType: {
        totp: people.filter((x) => x.factors.byType.totp > 0).length,
        oath: people.filter((x) => x.factors.byType.oath > 0).length,
        webauthn: people.filter((x) => x.factors.byType.webauthn > 0).length,
      },
      oneFactorOnly: people.filter((x) => x.factors.total === 1).length,
      withRecoveryCodes: people.filter((x) => x.factors.byType.recovery > 0).length,
    });
  }
  return out;
}

/**
 * Mail every active person of a partner who has not enrolled a factor yet, one mail each. (Invited
 * people are not mailed: their invitation already walks them through enrolment.)
 */
export async function sendMfaReminders(
  ctx: AppContext,
  caller: Caller,
  partnerId: string,
): Promise<{ sent: number }> {
  assertStudioAdmin(caller.user);
  const [partner] = await ctx.database.db.select().from(partners).where(eq(partners.id, partnerId));
  if (!partner) throw notFound("That partner");
  const people = (await peopleWithFactors(ctx, partnerId)).filter(
    (p) => p.status === "active" && p.factors.total === 0,
  );
  const when = partner.mfaEnforcementDate
    ? `From ${partner.mfaEnforcementDate} you will have to set it up before you can do anything else in Loupe.`
    : "You will be asked to set it up at your next sign-in.";
  for (const person of people) {
    await ctx.mailer.send({
      to: person.email,
      subject: "Set up two-step verification for Loupe",
      text: [
        `Hello ${person.name},`,
        "",
        "The studio asks every partner user to protect their Loupe account with a second factor:",
        "a security key, a hardware token or an authenticator app on your computer. No phone is needed.",
        when,
        "",
        `Sign in and set it up: ${new URL("/", ctx.config.publicUrl).href}`,
      ].join("\n"),
    });
  }
  await recordAudit(ctx.database.db, ctx.clock, caller.actor, {
    action: "mfa.reminders_sent",
    target: { type: "partner", id: partner.id, label: partner.name },
    partnerId: partner.id,
    details: { sent: people.length },
  });
  return { sent: people.length };
}
