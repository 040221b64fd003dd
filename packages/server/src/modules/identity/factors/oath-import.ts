import { Secret } from "otpauth";
import { childrenOf, descendants, parseXml, pathOf, type XmlElement } from "./mini-xml.ts";
import { OTP_ALGORITHMS, type OtpAlgorithm } from "./schema.ts";

/**
 * Reading hardware OATH token seed files into a validation report. Two formats:
 * - CSV, one token a line: serial,secret,digits,period[,algorithm]. A header line starting with
 *   "serial" and lines starting with # are skipped. The secret is base32 or hex; a value that
 *   could be either (only A-F and 2-7) must be prefixed "hex:" or "base32:".
 * - PSKC (RFC 6030) with plaintext secrets (<Secret><PlainValue>, base64). Encrypted PSKC
 *   (<EncryptedValue>, pre-shared or PBKDF2 keys) is refused with a message saying so.
 * Only time-based tokens are accepted: 6 or 8 digits, 30 or 60 s, SHA1/SHA256/SHA512, seeds of
 * at least 128 bits (RFC 4226 §4). The import is all-or-nothing (oath-service.ts).
 */
export interface TokenSeed {
  /** CSV line number, or position of the KeyPackage in a PSKC file (1-based) */
  line: number;
  serial: string;
  secret: Uint8Array;
  digits: number;
  period: number;
  algorithm: OtpAlgorithm;
}

export interface ImportProblem {
  line: number;
  serial?: string;
  problem: string;
}

export interface ParsedSeeds {
  seeds: TokenSeed[];
  problems: ImportProblem[];
}

const SERIAL = /^[A-Za-z0-9._:-]{1,64}$/;
const MIN_SECRET_BYTES = 16;

function parseSecret(raw: string): { secret?: Uint8Array; problem?: string } {
  let value = raw.trim().replace(/\s/g, "");
  let kind: "hex" | "base32" | undefined;
  const prefix = /^(hex|base32):/i.exec(value);
  if (prefix) {
    kind = prefix[1].toLowerCase() as "hex" | "base32";
    value = value.slice(prefix[0].length);
  } else if (/^[0-9a-fA-F]+$/.test(value) && /[0189a-f]/.test(value)) {
    kind = "hex";
  } else if (/^[A-Za-z2-7]+=*$/.test(value) && /[G-Zg-z=]/.test(value)) {
    kind = "base32";
  } else if (/^[A-F2-7]+$/.test(value)) {
    return { problem: 'the secret could be hex or base32: prefix it with "hex:" or "base32:"' };
  } else {
    return { problem: "the secret is neither hex nor base32" };
  }
  try {
    if (kind === "hex") {
      if (!/^([0-9a-fA-F]{2})+$/.test(value)) return { problem: "the hex secret is not whole bytes" };
      return { secret: new Uint8Array(Buffer.from(value, "hex")) };
    }
    if (!/^[A-Za-z2-7]+=*$/.test(value))
      return { problem: "the base32 secret has characters outside A-Z, 2-7" };
    return { secret: new Uint8Array(Secret.fromBase32(value.toUpperCase().replace(/=+$/, "")).bytes) };
  } catch {
    return { problem: `the ${kind} secret cannot be decoded` };
  }
}

function parseAlgorithm(raw: string | undefined): OtpAlgorithm | undefined {
  if (raw === undefined || raw.trim() === "") return "SHA1";
  const a = raw
    .trim()
    .toUpperCase()
    .replace(/^HMAC-?/, "")
    .replace("-", "");
  return (OTP_ALGORITHMS as readonly string[]).includes(a) ? (a as OtpAlgorithm) : undefined;
}

function validate(
  line: number,
  serial: string,
  secret: Uint8Array | undefined,
  digits: number,
  period: number,
  algorithm: OtpAlgorithm | undefined,
  problems: ImportProblem[],
): TokenSeed | null {
  const found: string[] = [];
  if (!SERIAL.test(serial)) found.push("the serial must be 1-64 letters, digits or . _ : -");
  if (secret && secret.length < MIN_SECRET_BYTES) {
    found.push(`the secret is ${secret.length * 8} bits; at least ${MIN_SECRET_BYTES * 8} are needed`);
  }
  if (digits !== 6 && digits !== 8) found.push("digits must be 6 or 8");
  if (period !== 30 && period !== 60) found.push("the period must be 30 or 60 seconds");
  if (!algorithm) found.push("the algorithm must be SHA1, SHA256 or SHA512");
  for (const problem of found) problems.push({ line, serial: serial || undefined, problem });
  if (found.length > 0 || !secret || !algorithm) return null;
  return { line, serial: serial.toUpperCase(), secret, digits, period, algorithm };
}

export function parseCsvSeeds(content: string): ParsedSeeds {
  const seeds: TokenSeed[] = [];
  const problems: ImportProblem[] = [];
  content.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (!text || text.startsWith("#") || (line === 1 && /^"?serial/i.test(text))) return;
    const cells = text.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    if (cells.length < 4 || cells.length > 5) {
      problems.push({ line, problem: "expected serial,secret,digits,period[,algorithm]" });
      return;
    }
    const [serial, rawSecret, digits, period, algorithm] = cells;
    const { secret, problem } = parseSecret(rawSecret);
    if (problem) problems.push({ line, serial, problem });
    const seed = validate(
      line,
      serial,
      secret,
      /^\d+$/.test(digits) ? Number(digits) : Number.NaN,
      /^\d+$/.test(period) ? Number(period) : Number.NaN,
      parseAlgorithm(algorithm),
      problems,
    );
    if (seed) seeds.push(seed);
  });
  return { seeds, problems };
}

const TOTP_URN = /pskc:totp$|#totp$/i;

export function parsePskcSeeds(content: string): ParsedSeeds {
  const seeds: TokenSeed[] = [];
  const problems: ImportProblem[] = [];
  let doc: XmlElement;
  try {
    doc = parseXml(content);
  } catch (err) {
    return { seeds, problems: [{ line: 0, problem: `not a readable PSKC file: ${(err as Error).message}` }] };
  }
  const container = childrenOf(doc, "KeyContainer")[0];
  if (!container)
    return { seeds, problems: [{ line: 0, problem: "no <KeyContainer> element: not a PSKC file" }] };
  if (
    childrenOf(container, "EncryptionKey").length > 0 ||
    descendants(container, "EncryptedValue").length > 0
  ) {
    return {
      seeds,
      problems: [
        {
          line: 0,
          problem:
            "this PSKC file is encrypted, which Loupe cannot read yet: ask the vendor for plaintext secrets and carry the file securely, or use the CSV format",
        },
      ],
    };
  }
  childrenOf(container, "KeyPackage").forEach((pkg, i) => {
    const line = i + 1;
    const key = childrenOf(pkg, "Key")[0];
    const serial = (pathOf(pkg, "DeviceInfo", "SerialNo")?.text ?? key?.attrs.Id ?? "").trim();
    if (!key) {
      problems.push({ line, serial, problem: "the KeyPackage has no <Key>" });
      return;
    }
    if (!TOTP_URN.test(key.attrs.Algorithm ?? "")) {
      problems.push({
        line,
        serial,
        problem: `only TOTP keys are accepted, not ${key.attrs.Algorithm ?? "(none)"}`,
      });
      return;
    }
    const plain = pathOf(key, "Data", "Secret", "PlainValue")?.text.replace(/\s/g, "");
    if (!plain) {
      problems.push({ line, serial, problem: "the key has no <Secret><PlainValue>" });
      return;
    }
    const secret = new Uint8Array(Buffer.from(plain, "base64"));
    const format = pathOf(key, "AlgorithmParameters", "ResponseFormat");
    const digits = Number(format?.attrs.Length ?? Number.NaN);
    if (format?.attrs.Encoding && format.attrs.Encoding.toUpperCase() !== "DECIMAL") {
      problems.push({ line, serial, problem: "only decimal codes are accepted" });
      return;
    }
    const interval = pathOf(key, "Data", "TimeInterval", "PlainValue")?.text.trim();
    const period = interval === undefined ? 30 : Number(interval);
    const suite = pathOf(key, "AlgorithmParameters", "Suite")?.text;
    const seed = validate(line, serial, secret, digits, period, parseAlgorithm(suite), problems);
    if (seed) seeds.push(seed);
  });
  if (seeds.length + problems.length === 0)
    problems.push({ line: 0, problem: "the file holds no KeyPackage" });
  return { seeds, problems };
}

/** serials (upper-cased by validation) that occur more than once in the file */
export function duplicateSerials(seeds: TokenSeed[]): ImportProblem[] {
  const seen = new Map<string, number>();
  const problems: ImportProblem[] = [];
  for (const s of seeds) {
    const key = s.serial;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ line: s.line, serial: s.serial, problem: `serial repeated (first on line ${first})` });
    } else seen.set(key, s.line);
  }
  return problems;
}
