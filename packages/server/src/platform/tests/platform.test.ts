import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import pg from "pg";
import { createTestContext, type TestContext } from "../../test-support/test-context.ts";
import { testDatabaseKind } from "../../test-support/test-database.ts";
import { recordAudit } from "../audit/record.ts";
import { auditEvents } from "../audit/schema.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../db/client.ts";
import { checkPublicUrl } from "../db/instance-settings.ts";

describe(`platform (${testDatabaseKind()})`, () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext();
  });
  after(() => t.close());

  test("health checks the database", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: "ok", database: testDatabaseKind() });
  });

  test("every response carries the security headers", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/health" });
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["referrer-policy"], "no-referrer");
    assert.equal(res.headers["strict-transport-security"], undefined, "no HSTS over plain http");
    const notFound = await t.app.inject({ method: "GET", url: "/api/nope" });
    assert.equal(notFound.statusCode, 404);
    assert.equal(notFound.headers["x-content-type-options"], "nosniff");
    assert.equal(notFound.json().error.code, "NOT_FOUND");
  });

  test("the OpenAPI document is served", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi.startsWith("3."), true);
    assert.ok(doc.paths["/api/health"]);
  });

  test("the audit log is append-only", async () => {
    await recordAudit(t.database.db, t.clock, { email: "a@studio.example" }, { action: "test.event" });
    const rows = await t.database.db.select().from(auditEvents);
    assert.equal(rows.at(-1)?.action, "test.event");
    const refused = (err: unknown) =>
      /append-only/.test(String((err as Error & { cause?: Error }).cause?.message));
    await assert.rejects(t.database.db.execute(sql`update audit_events set action = 'x'`), refused);
    await assert.rejects(t.database.db.execute(sql`delete from audit_events`), refused);
  });

  test("an audit record rolls back with its action", async () => {
    const before = (await t.database.db.select().from(auditEvents)).length;
    await assert.rejects(
      t.database.db.transaction(async (tx) => {
        await recordAudit(tx, t.clock, {}, { action: "doomed" });
        throw new Error("action failed");
      }),
    );
    assert.equal((await t.database.db.select().from(auditEvents)).length, before);
  });

  test("PUBLIC_URL is fixed at first start", async () => {
    await checkPublicUrl(t.database.db, new URL("https://loupe.studio.example"));
    await checkPublicUrl(t.database.db, new URL("https://loupe.studio.example/"));
    await assert.rejects(
      checkPublicUrl(t.database.db, new URL("https://other.example")),
      /orphan every registered/,
    );
  });

  test("mail goes to one person through SMTP", async () => {
    await t.mailer.send({ to: "jane@vendor.example", subject: "Hello", text: "Hi" });
    const mail = await t.smtp.waitFor("jane@vendor.example", /Hello/);
    assert.deepEqual(mail.to, ["jane@vendor.example"]);
    await assert.rejects(t.mailer.send({ to: "a@x.example, b@x.example", subject: "x", text: "y" }));
  });
});

describe("PostgreSQL pool", {
  skip: testDatabaseKind() === "postgres" ? false : "needs the PostgreSQL server",
}, () => {
  test("an idle connection the server kills is discarded and reported, not a crash; the next query works", async () => {
    const url = process.env.LOUPE_TEST_DATABASE_URL!;
    const errors: Error[] = [];
    const database = await openDatabase({ databaseUrl: url, onPoolError: (err) => errors.push(err) });
    try {
      const [{ pid }] = (await database.pool!.query("select pg_backend_pid() as pid")).rows;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query("select pg_terminate_backend($1)", [pid]);
      await admin.end();
      for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(errors.length, 1, "the broken idle connection is reported once");
      assert.match(errors[0].message, /terminat/);
      const rows = await database.db.execute(sql`select 1 as one`);
      assert.ok(rows, "a new connection serves the next query");
    } finally {
      await database.close();
    }
  });
});

describe("configuration", () => {
  test("a bad environment stops start-up with every problem listed", () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: "abc",
          DATABASE_URL: "mysql://x",
          ROLES: "web,cron",
          STUDIO_TIME_ZONE: "Mars/Base",
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 4, err.message);
        return true;
      },
    );
  });
  test("defaults: embedded, both roles, 127.0.0.1:3000", () => {
    const c = loadConfig({});
    assert.deepEqual(c.roles, ["web", "worker"]);
    assert.equal(c.port, 3000);
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.sessionIdleMs, 30 * 60_000);
    assert.equal(c.sessionAbsoluteMs, 12 * 3_600_000);
  });
});
