import path from "node:path";
import { z } from "zod";

/**
 * Every setting Loupe reads from the environment, validated once at boot. A bad value stops
 * start-up with the full list of problems (not the first one), so an operator fixes them in one go.
 */
const ZRoles = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(["web", "worker"])).min(1, "name at least one of web, worker"));

const ZEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  LOUPE_DATA_DIR: z.string().default("./data"),
  ROLES: ZRoles.default(["web", "worker"]),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://loupe.example.com" })
    .optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  MAIL_FROM: z.email().default("loupe@localhost"),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24)
    .default(12),
  STUDIO_TIME_ZONE: z
    .string()
    .default("UTC")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone such as UTC or America/Los_Angeles"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  roles: ("web" | "worker")[];
  port: number;
  host: string;
  /** the address users reach Loupe by: base of mailed links and the WebAuthn relying-party id */
  publicUrl: URL;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  studioTimeZone: string;
  logLevel: z.infer<typeof ZEnv>["LOG_LEVEL"];
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Loupe cannot start, the configuration has problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.problems = problems;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const e = parsed.data;
  const publicUrl = new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.LOUPE_DATA_DIR),
    roles: e.ROLES,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    studioTimeZone: e.STUDIO_TIME_ZONE,
    logLevel: e.LOG_LEVEL,
  };
}
