import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Seals OTP seeds at rest with AES-256-GCM. The key lives in <data dir>/keys/factor-secrets.key
 * (32 random bytes, mode 0600), created on first use; the database never holds it, so a stolen
 * database copy or backup does not reveal anyone's seeds. Several web processes on different hosts
 * must share this file (copy it with the data directory). Losing it makes every TOTP app and OATH
 * token unusable (users then need an admin reset), so back it up with the data directory.
 *
 * The row id is bound as additional data: a sealed seed copied into another row does not open.
 */
const VERSION = "v1";
const keys = new Map<string, Buffer>();

function keyFor(dataDir: string): Buffer {
  const file = path.join(dataDir, "keys", "factor-secrets.key");
  const cached = keys.get(file);
  if (cached) return cached;
  let key: Buffer;
  try {
    key = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      // "wx": if another process created it meanwhile, read theirs instead of overwriting
      fs.writeFileSync(file, crypto.randomBytes(32), { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    key = fs.readFileSync(file);
  }
  if (key.length !== 32) throw new Error(`${file} must hold exactly 32 bytes`);
  keys.set(file, key);
  return key;
}

export function sealSecret(dataDir: string, rowId: string, secret: Uint8Array): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyFor(dataDir), iv);
  cipher.setAAD(Buffer.from(rowId));
  const body = Buffer.concat([cipher.update(secret), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    body.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
  ].join(":");
}

export function openSecret(dataDir: string, rowId: string, sealed: string): Uint8Array {
  const [version, iv, body, tag] = sealed.split(":");
  if (version !== VERSION || !iv || !body || !tag) throw new Error("unknown sealed secret format");
  const decipher = crypto.createDecipheriv("aes-256-gcm", keyFor(dataDir), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(rowId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]));
}
