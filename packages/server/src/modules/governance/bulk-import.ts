import { and, eq } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/record.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Queryable } from "../../platform/db/client.ts";
import { AppError } from "../../platform/errors.ts";
import { PARTNER_ROLES, partners, type Role, taskTypes, userRoles, users } from "../directory/schema.ts";
import type { Caller } from "./caller.ts";
import { parseCsv } from "./csv.ts";
import { setTaskTypes } from "./grants.ts";
import { canonicalEmail, grantMfaGrace, inviteAccount } from "./identity-hooks.ts";
import {
  checkGrants,
  checkNewPerson,
  loadCatalogue,
  type PartnerRow,
  type Problem,
  seatProblem,
  verifierSeatsTaken,
} from "./request-rules.ts";
import { assertStudioAdmin } from "./scope.ts";

/**
 * Bulk import of the existing partner user lists (CSV columns: partner, name, email, roles, task
 * types; roles and task types separated by ";" or "|", by key or by name). Every row is checked by
 * the same rules as the request form and reported. Applying is all-or-nothing for the valid rows:
 * in one transaction every valid row becomes an invited account (and an individual invitation);
 * invalid rows are skipped and stay in the report, and role or group addresses are mailed to the
 * partner's Vendor Managers to replace. Imported people existed before the MFA rollout, so they
 * get the partner's enforcement-date grace (the enrolment policy reads mfa_grace_accounts).
 */
export interface ImportRow {
  line: number;
  partner: string;
  name: string;
  email: string;
  roles: string[];
  taskTypes: string[];
  ok: boolean;
  problems: Problem[];
}

export interface ImportReport {
  applied: boolean;
  rows: ImportRow[];
  valid: number;
  invalid: number;
  created: number;
}

const COLUMNS = ["partner", "name", "email", "roles", "task types"] as const;

function split(cell: string | undefined): string[] {
  return (cell ?? "")
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const slug = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

export async function importPeople(
  ctx: AppContext,
  caller: Caller,
  input: { csv: string; apply: boolean },
): Promise<ImportReport> {
  assertStudioAdmin(caller.user);
  const table = parseCsv(input.csv);
  const header = (table[0] ?? []).map((h) => h.trim().toLowerCase().replace(/_/g, " "));
  const at = COLUMNS.map((c) => header.indexOf(c));
  if (at.some((i) => i < 0)) {
    throw new AppError("VALIDATION", `The first line must name the columns: ${COLUMNS.join(", ")}.`);
  }
  if (table.length > 5001) throw new AppError("VALIDATION", "Import at most 5000 people at a time.");

  const run = async (q: Queryable, apply: boolean): Promise<ImportReport> => {
    const rows = await validate(q, table.slice(1), at);
    let created = 0;
    if (apply) {
      for (const row of rows.filter((r) => r.ok)) {
        const partnerId = (await partnerByName(q, row.partner))!.id;
        const { userId } = await inviteAccount(q, ctx, caller.actor, {
          email: row.email,
          name: row.name,
          partnerId,
          roles: row.roles as Role[],
        });
        await setTaskTypes(q, ctx.clock, caller.user.id, userId, row.taskTypes);
        await grantMfaGrace(q, ctx, userId, "imported from the partner user list");
        created++;
      }
      await recordAudit(q, ctx.clock, caller.actor, {
        action: "directory.import_applied",
        target: { type: "directory_import", id: crypto.randomUUID() },
        details: {
          created,
          skipped: rows
            .filter((r) => !r.ok)
            .map((r) => ({ line: r.line, email: r.email, problems: r.problems.map((p) => p.code) })),
        },
      });
      await askToReplaceRoleAddresses(q, ctx, rows);
    }
    const valid = rows.filter((r) => r.ok).length;
    return { applied: apply, rows, valid, invalid: rows.length - valid, created };
  };
  return input.apply ? ctx.database.db.transaction((tx) => run(tx, true)) : run(ctx.database.db, false);
}

async function partnerByName(q: Queryable, name: string): Promise<PartnerRow | undefined> {
  const all = await q.select().from(partners);
  return all.find((p) => p.name.toLowerCase() === name.trim().toLowerCase());
}

async function validate(q: Queryable, lines: string[][], at: number[]): Promise<ImportRow[]> {
  const catalogue = await loadCatalogue(q);
  const catalogueRows = await q.select().from(taskTypes);
  const taskKey = (s: string) =>
    catalogueRows.find((t) => t.key === slug(s) || t.name.toLowerCase() === s.trim().toLowerCase())?.key ?? s;
  const seen = new Set<string>();
  const seatsUsed = new Map<string, number>();
  const out: ImportRow[] = [];
  for (const [i, cells] of lines.entries()) {
    const [partnerName, name, email, roles, tasks] = at.map((c) => (cells[c] ?? "").trim());
    const row: ImportRow = {
      line: i + 2,
      partner: partnerName,
      name,
      email,
      roles: split(roles).map(slug),
      taskTypes: split(tasks).map(taskKey),
      ok: false,
      problems: [],
    };
    out.push(row);
    const partner = await partnerByName(q, partnerName);
    if (!partner) {
      row.problems.push({
        code: "UNKNOWN_PARTNER",
        field: "partner",
        message: `No partner is named "${partnerName}".`,
      });
      continue;
    }
    row.partner = partner.name;
    row.problems.push(...(await checkNewPerson(q, partner, { name, email })));
    const canonical = email.includes("@") ? canonicalEmail(email) : email;
    if (seen.has(canonical) && !row.problems.some((p) => p.code === "DUPLICATE_PERSON")) {
      row.problems.push({
        code: "DUPLICATE_PERSON",
        field: "email",
        message: `${email} appears earlier in this file.`,
      });
    }
    seen.add(canonical);
    for (const r of row.roles) {
      if (!PARTNER_ROLES.includes(r as Role)) {
        // checkGrants reports it; say which labels are understood
        row.problems.push({
          code: "UNKNOWN_ROLE",
          field: "roles",
          message: `Roles are: Vendor Manager, Download Manager, Operator, Verifier (got "${r}").`,
        });
      }
    }
    row.problems.push(...checkGrants(catalogue, row).filter((p) => p.code !== "UNKNOWN_ROLE"));
    if (row.roles.includes("verifier")) {
      const taken = seatsUsed.get(partner.id) ?? (await verifierSeatsTaken(q, partner.id));
      const seat = seatProblem(partner, taken);
      if (seat) row.problems.push(seat);
      else if (row.problems.length === 0) seatsUsed.set(partner.id, taken + 1);
    }
    row.ok = row.problems.length === 0;
  }
  return out;
}

/** One mail per Vendor Manager listing the role or group addresses they must replace by a person's. */
async function askToReplaceRoleAddresses(q: Queryable, ctx: AppContext, rows: ImportRow[]): Promise<void> {
  const flagged = rows.filter((r) => r.problems.some((p) => p.code === "ROLE_ADDRESS"));
  const byPartner = Map.groupBy(flagged, (r) => r.partner);
  for (const [partnerName, list] of byPartner) {
    const partner = await partnerByName(q, partnerName);
    if (!partner) continue;
    const managers = await q
      .select({ email: users.email, name: users.name })
      .from(users)
      .innerJoin(userRoles, eq(userRoles.userId, users.id))
      .where(
        and(
          eq(users.partnerId, partner.id),
          eq(users.status, "active"),
          eq(userRoles.role, "vendor_manager"),
        ),
      );
    for (const m of managers) {
      await ctx.mailer.send({
        to: m.email,
        subject: `${partner.name}: shared addresses to replace in Loupe`,
        text: [
          `Hello ${m.name},`,
          "",
          "These entries of your user list use a shared or group address. Every Loupe account belongs to one",
          "person, so they were not imported. Please submit an onboarding request for each person who needs",
          "access, with their own address:",
          "",
          ...list.map((r) => `- ${r.name} <${r.email}> (${r.roles.join(", ")})`),
          "",
          `Submit requests: ${new URL("/governance/requests/new", ctx.config.publicUrl).href}`,
        ].join("\n"),
      });
    }
  }
}
