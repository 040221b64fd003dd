import path from "node:path";
import pino from "pino";
import { systemClock } from "./platform/clock.ts";
import { ConfigError, loadConfig } from "./platform/config.ts";
import type { AppContext } from "./platform/context.ts";
import { openDatabase } from "./platform/db/client.ts";
import { checkPublicUrl } from "./platform/db/instance-settings.ts";
import { migrate } from "./platform/db/migrate.ts";
import { buildApp } from "./platform/http/app.ts";
import { createMailer } from "./platform/mail/mailer.ts";
import { startupTasks } from "./platform/startup-tasks.ts";
import { startWorker } from "./platform/worker.ts";

/** One binary, two roles (ROLES=web,worker; default both, the embedded mode). */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = pino({ level: config.logLevel });
  const database = await openDatabase(
    config.databaseUrl
      ? {
          databaseUrl: config.databaseUrl,
          onPoolError: (err) => log.warn({ err }, "an idle database connection broke; it was discarded"),
        }
      : { pgliteDir: path.join(config.dataDir, "pglite") },
  );
  await migrate(database);
  await checkPublicUrl(database.db, config.publicUrl);
  const ctx: AppContext = {
    config,
    database,
    clock: systemClock,
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, log }),
    log,
  };
  for (const task of startupTasks) await task(ctx);

  const stops: (() => Promise<void>)[] = [];
  if (config.roles.includes("web")) {
    const app = await buildApp(ctx);
    await app.listen({ port: config.port, host: config.host });
    log.info(`Loupe is up at ${config.publicUrl.origin} (database: ${database.kind})`);
    stops.push(() => app.close());
  }
  if (config.roles.includes("worker")) {
    const worker = startWorker(ctx);
    stops.push(() => worker.stop());
  }
  const shutdown = async () => {
    for (const stop of stops) await stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

await main();
