import fs from "node:fs";
import { hash, verify } from "@node-rs/argon2";
import { AppError } from "../../platform/errors.ts";

/**
 * Passwords (NIST SP 800-63B §5.1.1, ASVS V6.2): 12 to 128 characters of anything (counted in
 * Unicode code points after NFKC normalisation), no composition rules, no forced rotation; refused
 * when common, built on a common password ("Password2024!"), a keyboard walk or run, a repetition,
 * or containing the user's own name or email or the service's name. Stored as argon2id.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (about 50 ms here) */
// algorithm 2 = Argon2id (the package exports it as an ambient const enum, which type stripping cannot read)
const ARGON2 = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };

const common: ReadonlySet<string> = new Set(
  fs
    .readFileSync(new URL("./lists/common-passwords.txt", import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#")),
);

const WALKS = [
  "1234567890",
  "qwertyuiop",
  "asdfghjkl",
  "zxcvbnm",
  "abcdefghijklmnopqrstuvwxyz",
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
  "qazwsxedcrfvtgbyhnujmikolp",
  "qwertzuiop",
  "azertyuiop",
];
/** words that name this service and the people's industry: never a password's core */
const SERVICE_WORDS = ["loupe", "studio", "qcpartner", "password", "passw0rd"];

export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

export interface PasswordContext {
  email?: string | null;
  name?: string | null;
  /** other words to refuse, e.g. the partner's name */
  words?: readonly string[];
}

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  const pw = normalisePassword(password);
  const length = [...pw].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters (a short sentence works well).`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = pw.toLowerCase();
  const stem = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, "");
  if (common.has(lower) || common.has(stem) || isRepetitionOfCommon(stem)) {
    return "This password is one of the most common ones (or built on one); attackers try those first. Choose another.";
  }
  if (new Set(lower).size <= 3) return "This password repeats too few characters. Choose another.";
  if (isWalk(lower.replace(/[\W_]+$/u, ""))) {
    return "This password is a keyboard or alphabet sequence. Choose another.";
  }
  for (const word of contextWords(context)) {
    if (lower.includes(word)) {
      return "The password must not contain your name, your email address or the name of this service.";
    }
  }
  return null;
}

export function assertAcceptablePassword(password: string, context: PasswordContext = {}): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError("WEAK_PASSWORD", problem);
}

function isRepetitionOfCommon(stem: string): boolean {
  for (let unit = 1; unit <= stem.length / 2; unit++) {
    if (stem.length % unit !== 0) continue;
    const piece = stem.slice(0, unit);
    if (piece.repeat(stem.length / unit) === stem && (unit < 4 || common.has(piece))) return true;
  }
  return false;
}

function isWalk(s: string): boolean {
  if (s.length < 6) return false;
  for (const row of WALKS) {
    const forward = row.repeat(4);
    const backward = [...forward].reverse().join("");
    if (forward.includes(s) || backward.includes(s)) return true;
  }
  return false;
}

function contextWords(context: PasswordContext): string[] {
  const words = new Set<string>(SERVICE_WORDS);
  const add = (text: string | null | undefined) => {
    if (!text) return;
    for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if ([...w].length >= 4) words.add(w);
  };
  if (context.email) {
    const local = context.email.toLowerCase().split("@")[0].split("+")[0];
    add(local);
    if (local.length >= 4) words.add(local);
  }
  add(context.name);
  for (const w of context.words ?? []) add(w);
  return [...words];
}

export async function hashPassword(password: string): Promise<string> {
  return hash(normalisePassword(password), ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, normalisePassword(password));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * Verify against a throwaway hash when the account does not exist (or has no password), so an
 * unknown email costs the same time as a known one and timing reveals nothing.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummy ??= hash("not-a-real-password-for-timing", ARGON2);
  await verifyPassword(await dummy, password);
  return false;
}
