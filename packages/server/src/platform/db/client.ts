import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import * as schema from "./schema.ts";

/**
 * One database API over two engines: PGlite (embedded PostgreSQL, the default) and a PostgreSQL
 * server when DATABASE_URL is set. Drizzle gives both the same query builder; we type the handle
 * as the node-postgres flavour because their builder APIs are identical. Raw `db.execute` results
 * differ between drivers, so modules use the typed builder, not raw SQL results.
 */
export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that can run a query: the database or a transaction inside it. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** the raw PGlite instance (embedded mode), for pg-boss's adapter and dumps */
  pglite?: PGlite;
  /** the pg pool (server mode) */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | {
      databaseUrl: string;
      /** an idle pooled connection broke (server restart, failover, a dropped database) */
      onPoolError?: (err: Error) => void;
    }
  | { pgliteDir: string }
  | { pglite: PGlite };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ("databaseUrl" in target) {
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: 10 });
    // Without a listener, an idle connection that the server closes (a restart, a failover) is an
    // uncaught exception that ends the process. The pool has already discarded that connection; the
    // next query opens a new one.
    pool.on("error", (err) => target.onPoolError?.(err));
    // fail at boot, with the reason, rather than on the first request
    const client = await pool.connect();
    client.release();
    return { db: drizzlePg(pool, { schema }), kind: "postgres", pool, close: () => pool.end() };
  }
  let pglite: PGlite;
  if ("pglite" in target) {
    pglite = target.pglite;
  } else {
    fs.mkdirSync(path.dirname(path.resolve(target.pgliteDir)), { recursive: true });
    pglite = await PGlite.create({ dataDir: target.pgliteDir });
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { db, kind: "pglite", pglite, close: () => pglite.close() };
}
