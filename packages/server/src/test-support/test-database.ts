import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Database, openDatabase } from "../platform/db/client.ts";
import { migrate, migrationsFolder } from "../platform/db/migrate.ts";

/**
 * A fresh, migrated database for one test file. The engine is chosen by the test runner
 * (scripts/test.ts): LOUPE_TEST_DATABASE_URL points at a PostgreSQL server, otherwise PGlite.
 * Migrating is done once per run and copied: a template database on the server, a data-dir dump
 * for PGlite.
 */
export async function createTestDatabase(): Promise<Database> {
  const serverUrl = process.env.LOUPE_TEST_DATABASE_URL;
  return serverUrl ? createServerDatabase(serverUrl) : createPgliteDatabase();
}

export function testDatabaseKind(): "pglite" | "postgres" {
  return process.env.LOUPE_TEST_DATABASE_URL ? "postgres" : "pglite";
}

function migrationsHash(): string {
  const h = crypto.createHash("sha256");
  for (const f of fs.readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const full = path.join(migrationsFolder, f);
    if (fs.statSync(full).isFile()) h.update(f).update(fs.readFileSync(full));
  }
  return h.digest("hex").slice(0, 12);
}

async function createPgliteDatabase(): Promise<Database> {
  const dumpFile = path.join(os.tmpdir(), `loupe-test-pglite-${migrationsHash()}.tar.gz`);
  if (!fs.existsSync(dumpFile)) {
    const fresh = await openDatabase({ pglite: await PGlite.create() });
    await migrate(fresh);
    const dump = await fresh.pglite!.dumpDataDir("gzip");
    const tmp = `${dumpFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, dumpFile); // atomic: parallel test files never read a half-written dump
    await fresh.close();
  }
  const blob = new Blob([fs.readFileSync(dumpFile)]);
  return openDatabase({ pglite: await PGlite.create({ loadDataDir: blob }) });
}

async function createServerDatabase(serverUrl: string): Promise<Database> {
  const template = `loupe_tpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [template]);
    if (exists.rowCount === 0) {
      // Several test files may race to build the template: one wins, the others wait for its lock.
      await admin.query("select pg_advisory_lock(4242)");
      try {
        const again = await admin.query("select 1 from pg_database where datname = $1", [template]);
        if (again.rowCount === 0) {
          const building = `${template}_building`;
          await admin.query(`drop database if exists ${building}`);
          await admin.query(`create database ${building}`);
          const db = await openDatabase({ databaseUrl: withDatabase(serverUrl, building) });
          await migrate(db);
          await db.close();
          await admin.query(`alter database ${building} rename to ${template}`);
        }
      } finally {
        await admin.query("select pg_advisory_unlock(4242)");
      }
    }
    const name = `loupe_test_${crypto.randomBytes(6).toString("hex")}`;
    await admin.query(`create database ${name} template ${template}`);
    const db = await openDatabase({ databaseUrl: withDatabase(serverUrl, name) });
    return {
      ...db,
      async close() {
        await db.close();
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  } finally {
    await admin.end();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
