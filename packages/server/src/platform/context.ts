import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import type { Mailer } from "./mail/mailer.ts";

/** The process-wide dependencies every module receives; built once in main.ts (or by a test). */
export interface AppContext {
  config: Config;
  database: Database;
  clock: Clock;
  mailer: Mailer;
  log: Logger;
}
