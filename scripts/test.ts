/**
 * `npm test`: the whole suite, as CI runs it.
 *   1. every *.test.ts on the embedded database (PGlite);
 *   2. the server's tests again on the PostgreSQL server (LOUPE_TEST_DATABASE_URL, else
 *      DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres) when one answers;
 *      without a server this says so and runs PGlite only;
 *   3. the browser tests (*.browser.test.ts) in Debian's Chromium when it is installed.
 * Options: --db=pglite|postgres (only that pass), --suite=unit|browser.
 * A test (or hook) that runs over 5 minutes fails instead of hanging the run.
 * Ends with one line "N passed, N failed, N skipped" and a non-zero exit on any failure.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const onlyDb = args.get("db");
const onlySuite = args.get("suite");

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith(".test.ts")) out.push(path.relative(root, full));
  }
  return out.sort();
}

const all = findTests(path.join(root, "packages"));
const browserTests = all.filter((f) => f.endsWith(".browser.test.ts"));
const unitTests = all.filter((f) => !f.endsWith(".browser.test.ts"));
const serverUnitTests = unitTests.filter((f) => f.startsWith("packages/server/"));

const totals = { pass: 0, fail: 0, skipped: 0 };
let failedRuns = 0;

async function run(label: string, files: string[], env: Record<string, string>): Promise<void> {
  if (files.length === 0) return;
  console.log(`\n=== ${label}: ${files.length} test files ===`);
  const child = spawn(
    process.execPath,
    ["--test", "--test-concurrency=2", "--test-timeout=300000", "--test-reporter=spec", ...files],
    { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let tail = "";
  child.stdout.on("data", (d: Buffer) => {
    process.stdout.write(d);
    tail = (tail + d.toString()).slice(-4000);
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  for (const key of ["pass", "fail", "skipped"] as const) {
    const m = tail.match(new RegExp(`ℹ ${key} (\\d+)`));
    if (m) totals[key] += Number(m[1]);
  }
  if (code !== 0) failedRuns++;
}

async function serverAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

if (onlySuite !== "browser") {
  if (onlyDb !== "postgres") await run("unit and integration tests on PGlite (embedded)", unitTests, {});
  if (onlyDb !== "pglite") {
    const url =
      process.env.LOUPE_TEST_DATABASE_URL ??
      process.env.DATABASE_URL ??
      "postgres://postgres@127.0.0.1:5432/postgres";
    if (await serverAnswers(url)) {
      await run(`server tests on PostgreSQL (${new URL(url).host})`, serverUnitTests, {
        LOUPE_TEST_DATABASE_URL: url,
      });
    } else {
      console.log(`\nNo PostgreSQL server answers at ${new URL(url).host}: ran the suite on PGlite only.`);
      if (onlyDb === "postgres") failedRuns++;
    }
  }
}
if (onlySuite !== "unit" && !onlyDb) {
  if (fs.existsSync("/usr/bin/chromium")) {
    await run("browser tests (Chromium)", browserTests, {});
  } else {
    console.log(
      "\nChromium is not installed (/usr/bin/chromium): browser tests skipped. scripts/install-system-deps.sh installs it.",
    );
  }
}

console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedRuns > 0 || totals.fail > 0 ? 1 : 0);
