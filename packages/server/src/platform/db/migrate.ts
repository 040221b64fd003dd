import { fileURLToPath } from "node:url";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database } from "./client.ts";

/** The same generated SQL migrations (packages/server/migrations) for PGlite and PostgreSQL. */
export const migrationsFolder = fileURLToPath(new URL("../../../migrations", import.meta.url));

export async function migrate(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
  } else {
    await migratePg(database.db, { migrationsFolder });
  }
}
