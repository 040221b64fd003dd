import fs from "node:fs";
import type { Queryable } from "../../platform/db/client.ts";
import { roleAddressPatterns } from "./schema.ts";

/**
 * Email is the identity (DOMAIN.md rule 1): one account per person, unique on a canonical form,
 * and no role or group address (distribution lists, shared mailboxes) as an account's email.
 */

/**
 * The canonical form the users table keeps unique: trimmed, lower-cased, the RFC 5233 sub-address
 * ("+tag") removed, so Jane+qc@Vendor.example and jane@vendor.example are one person.
 */
export function canonicalEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf("@");
  if (at < 1) return trimmed;
  const local = trimmed.slice(0, at).split("+")[0];
  return `${local}@${trimmed.slice(at + 1)}`;
}

export function emailDomain(email: string): string {
  const e = email.trim().toLowerCase();
  return e.slice(e.lastIndexOf("@") + 1);
}

function localPart(email: string): string {
  const canonical = canonicalEmail(email);
  return canonical.slice(0, canonical.lastIndexOf("@"));
}

const bundled: readonly string[] = fs
  .readFileSync(new URL("./lists/role-addresses.txt", import.meta.url), "utf8")
  .split("\n")
  .map((l) => l.trim().toLowerCase())
  .filter((l) => l && !l.startsWith("#"));

/** "." and "_" count like "-": qc.team@ and qc_team@ are qc-team@ */
function normaliseLocal(local: string): string {
  return local.replace(/[._]/g, "-");
}

function matches(pattern: string, local: string): boolean {
  const p = normaliseLocal(pattern);
  if (!p.includes("*")) return p === local;
  const re = new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(local);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** the pattern a local part hits, or null: tries it as is and without trailing digits */
export function matchRoleAddress(email: string, extraPatterns: readonly string[] = []): string | null {
  const local = normaliseLocal(localPart(email));
  const candidates = [local, local.replace(/-?\d+$/, "")].filter(Boolean);
  for (const pattern of [...bundled, ...extraPatterns]) {
    if (candidates.some((c) => matches(pattern, c))) return pattern;
  }
  return null;
}

export interface RoleAddressHit {
  pattern: string;
  message: string;
}

/**
 * Screens an address against the bundled list and the studio's own list (database). Returns why it
 * looks like a role or group address, or null for a person's address.
 */
export async function screenRoleAddress(q: Queryable, email: string): Promise<RoleAddressHit | null> {
  const studio = await q.select({ pattern: roleAddressPatterns.pattern }).from(roleAddressPatterns);
  const pattern = matchRoleAddress(
    email,
    studio.map((s) => s.pattern),
  );
  if (!pattern) return null;
  return {
    pattern,
    message:
      `"${localPart(email)}@" looks like a role or group address (it matches "${pattern}"). ` +
      "Each account belongs to one person: use that person's own address. A Studio Admin can " +
      "override this only with a written justification.",
  };
}
