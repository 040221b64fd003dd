import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { ManualClock } from "../platform/clock.ts";
import { loadConfig } from "../platform/config.ts";
import type { AppContext } from "../platform/context.ts";
import type { Database } from "../platform/db/client.ts";
import { type App, buildApp } from "../platform/http/app.ts";
import { createMailer } from "../platform/mail/mailer.ts";
import { SmtpSink } from "./smtp-sink.ts";
import { createTestDatabase } from "./test-database.ts";

export interface TestContext extends AppContext {
  clock: ManualClock;
  database: Database;
  smtp: SmtpSink;
  app: App;
  close(): Promise<void>;
}

/**
 * Everything a server test needs, real: a migrated database (PGlite or the PostgreSQL server,
 * as the runner chose), an SMTP sink on loopback, a manual clock, and the Fastify app.
 */
export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-test-"));
  const config = loadConfig({
    LOUPE_DATA_DIR: dataDir,
    PUBLIC_URL: "http://localhost:3000",
    SMTP_URL: smtpUrl,
    MAIL_FROM: "loupe@studio.example",
    LOG_LEVEL: "silent",
    ...env,
  });
  const log = pino({ level: "silent" });
  const database = await createTestDatabase();
  const clock = new ManualClock("2026-03-02T09:00:00Z");
  const mailer = createMailer({ smtpUrl, from: config.mailFrom, dataDir, log });
  const ctx: AppContext = { config, database, clock, mailer, log };
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return {
    ...ctx,
    clock,
    database,
    smtp,
    app,
    async close() {
      await app.close();
      await database.close();
      await smtp.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
