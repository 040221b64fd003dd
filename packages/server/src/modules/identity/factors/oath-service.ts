import crypto from "node:crypto";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../../../platform/audit/record.ts";
import type { AppContext } from "../../../platform/context.ts";
import type { Queryable } from "../../../platform/db/client.ts";
import { AppError, notFound } from "../../../platform/errors.ts";
import { users } from "../../directory/schema.ts";
import { countFactors } from "./factor-list.ts";
import { duplicateSerials, type ImportProblem, parseCsvSeeds, parsePskcSeeds } from "./oath-import.ts";
import { checkTotp } from "./otp.ts";
import { type OtpAlgorithm, oathTokens } from "./schema.ts";
import { openSecret, sealSecret } from "./secret-box.ts";
import type { ConfirmedFactor } from "./totp-service.ts";
import { type Checked, type FactorOwner, refuse, userTarget } from "./verification.ts";

export interface ImportReport {
  /** true when every token was imported; false when nothing was (all-or-nothing) */
  imported: boolean;
  dryRun: boolean;
  tokens: { line: number; serial: string; digits: number; period: number; algorithm: OtpAlgorithm }[];
  problems: ImportProblem[];
}

/**
 * Imports hardware token seeds. All-or-nothing: with any problem (bad line, duplicate serial in
 * the file or already imported) nothing is stored and the report lists every problem, so an admin
 * fixes the file and imports it again rather than tracking which half went in. A dry run only
 * reports. Seeds are sealed at rest (secret-box.ts) and never shown again.
 */
export async function importOathTokens(
  ctx: AppContext,
  actor: Actor,
  input: { format: "csv" | "pskc"; content: string; dryRun: boolean },
): Promise<ImportReport> {
  const parsed = input.format === "csv" ? parseCsvSeeds(input.content) : parsePskcSeeds(input.content);
  const problems = [...parsed.problems, ...duplicateSerials(parsed.seeds)];
  if (parsed.seeds.length === 0 && problems.length === 0) {
    problems.push({ line: 0, problem: "the file holds no tokens" });
  }
  return ctx.database.db.transaction(async (tx) => {
    const serials = parsed.seeds.map((s) => s.serial);
    const existing =
      serials.length === 0
        ? []
        : await tx
            .select({ serial: oathTokens.serial })
            .from(oathTokens)
            .where(inArray(oathTokens.serial, serials));
    const taken = new Set(existing.map((e) => e.serial));
    for (const s of parsed.seeds) {
      if (taken.has(s.serial)) problems.push({ line: s.line, serial: s.serial, problem: "already imported" });
    }
    problems.sort((a, b) => a.line - b.line);
    const report: ImportReport = {
      imported: false,
      dryRun: input.dryRun,
      tokens: parsed.seeds.map(({ line, serial, digits, period, algorithm }) => ({
        line,
        serial,
        digits,
        period,
        algorithm,
      })),
      problems,
    };
    if (input.dryRun) return report;
    if (problems.length > 0) {
      await recordAudit(tx, ctx.clock, actor, {
        action: "mfa.oath.import",
        outcome: "failure",
        reason: "invalid_file",
        details: { format: input.format, problems: problems.length, tokens: parsed.seeds.length },
      });
      return report;
    }
    const now = ctx.clock.now();
    const batchId = crypto.randomUUID();
    await tx.insert(oathTokens).values(
      parsed.seeds.map((s) => {
        const id = crypto.randomUUID();
        return {
          id,
          serial: s.serial,
          secretSealed: sealSecret(ctx.config.dataDir, id, s.secret),
          digits: s.digits,
          period: s.period,
          algorithm: s.algorithm,
          importBatchId: batchId,
          importedAt: now,
          importedBy: actor.userId ?? null,
        };
      }),
    );
    await recordAudit(tx, ctx.clock, actor, {
      action: "mfa.oath.imported",
      details: { format: input.format, batchId, serials },
    });
    return { ...report, imported: true };
  });
}

export type TokenStatus = "unassigned" | "assigned" | "active" | "revoked";

export async function listOathTokens(q: Queryable) {
  const rows = await q
    .select({
      serial: oathTokens.serial,
      digits: oathTokens.digits,
      period: oathTokens.period,
      algorithm: oathTokens.algorithm,
      importedAt: oathTokens.importedAt,
      assignedUserId: oathTokens.assignedUserId,
      assignedEmail: users.email,
      assignedAt: oathTokens.assignedAt,
      confirmedAt: oathTokens.confirmedAt,
      lastUsedAt: oathTokens.lastUsedAt,
      revokedAt: oathTokens.revokedAt,
    })
    .from(oathTokens)
    .leftJoin(users, eq(users.id, oathTokens.assignedUserId))
    .orderBy(asc(oathTokens.serial));
  return rows.map((r) => ({ ...r, status: tokenStatus(r) }));
}

function tokenStatus(t: { revokedAt: Date | null; confirmedAt: Date | null; assignedUserId: string | null }) {
  if (t.revokedAt) return "revoked" as const;
  if (t.confirmedAt) return "active" as const;
  return t.assignedUserId ? ("assigned" as const) : ("unassigned" as const);
}

/**
 * A Studio Admin hands a token to one person. It counts only after they enter a code from it.
 * An assigned token not yet confirmed may be reassigned (a mix-up at the desk); an active or
 * revoked one may not.
 */
export async function assignOathToken(
  ctx: AppContext,
  actor: Actor,
  input: { serial: string; userId: string },
): Promise<void> {
  const serial = input.serial.trim().toUpperCase();
  await ctx.database.db.transaction(async (tx) => {
    const [token] = await tx.select().from(oathTokens).where(eq(oathTokens.serial, serial)).for("update");
    if (!token) throw notFound(`Token ${serial}`);
    if (token.revokedAt)
      throw new AppError("CONFLICT", `Token ${serial} was revoked and cannot be assigned.`);
    if (token.confirmedAt) {
      throw new AppError("CONFLICT", `Token ${serial} is in use by its holder; it must be removed first.`);
    }
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId));
    if (!user || user.status === "deactivated") throw notFound("The person");
    await tx
      .update(oathTokens)
      .set({ assignedUserId: user.id, assignedAt: ctx.clock.now(), assignedBy: actor.userId ?? null })
      .where(eq(oathTokens.id, token.id));
    await recordAudit(tx, ctx.clock, actor, {
      action: "mfa.oath.assigned",
      target: userTarget(user),
      details: { serial, previousUserId: token.assignedUserId },
    });
  });
}

/** tokens assigned to the user that still wait for the proof of possession */
export async function pendingOathTokens(q: Queryable, userId: string) {
  return q
    .select({ serial: oathTokens.serial, digits: oathTokens.digits, assignedAt: oathTokens.assignedAt })
    .from(oathTokens)
    .where(
      and(
        eq(oathTokens.assignedUserId, userId),
        isNull(oathTokens.confirmedAt),
        isNull(oathTokens.revokedAt),
      ),
    );
}

/** The holder proves possession with one code; the token then counts as a factor. */
export async function confirmOathToken(
  q: Queryable,
  ctx: AppContext,
  actor: Actor,
  owner: FactorOwner,
  serialTyped: string,
  code: string,
): Promise<Checked<ConfirmedFactor>> {
  const serial = serialTyped.trim().toUpperCase();
  const action = "mfa.factor.confirm";
  const [token] = await q
    .select()
    .from(oathTokens)
    .where(
      and(
        eq(oathTokens.serial, serial),
        eq(oathTokens.assignedUserId, owner.id),
        isNull(oathTokens.confirmedAt),
        isNull(oathTokens.revokedAt),
      ),
    )
    .for("update");
  if (!token) return refuse(q, ctx, actor, owner, action, "not_found", { type: "oath", serial });
  const secret = openSecret(ctx.config.dataDir, token.id, token.secretSealed);
  const now = ctx.clock.now();
  const result = checkTotp({ ...token, secret }, code, now, token.lastUsedStep);
  if (!result.ok) return refuse(q, ctx, actor, owner, action, result.reason, { type: "oath", serial });
  const before = await countFactors(q, owner.id);
  await q
    .update(oathTokens)
    .set({ confirmedAt: now, lastUsedStep: result.step, lastUsedAt: now })
    .where(eq(oathTokens.id, token.id));
  const name = `Hardware token ${serial}`;
  await recordAudit(q, ctx.clock, actor, {
    action: "mfa.factor.added",
    target: userTarget(owner),
    details: { type: "oath", factorId: token.id, serial, name },
  });
  return { ok: true, factorId: token.id, name, method: "otp", firstFactor: before.total === 0 };
}
