/**
 * `npm run bench`: sign-in throughput and the latency of an authenticated read under load, on
 * loopback, for the embedded database (PGlite) and, when one answers, a PostgreSQL server
 * (BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; a fresh database is made
 * and dropped). Goal from issue 3: p99 of the read under 25 ms at 500 requests/s.
 *
 * For each database: prepare it in this process (migrate, one Studio Admin with a password, one
 * complete session made through the session service: a full session needs a second factor, which
 * a bench cannot type), start Loupe as a child process (ROLES=web, LOG_LEVEL=warn) on 127.0.0.1,
 * then measure over HTTP:
 *   1. sign-in: SIGN_INS password sign-ins, 4 at a time (argon2id-bound), reported per second;
 *   2. after a 3 s pause for the sign-in burst to settle (without it the embedded engine shows a
 *      second or two of slow requests while it absorbs the burst's writes), read: GET
 *      /api/auth/session with the session cookie, open loop at RATE requests/s for SECONDS s
 *      (requests leave on schedule whether or not earlier ones have answered; latency is measured
 *      from the scheduled instant, so queueing shows), p50/p99/max and errors.
 * Options (environment): BENCH_RATE (500), BENCH_SECONDS (10), BENCH_SIGN_INS (40), BENCH_ONLY=pglite|postgres,
 * BENCH_PROFILE_DIR (write a CPU profile of the server there).
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { createAccount, storePassword } from "../packages/server/src/modules/identity/accounts.ts";
import { createSession } from "../packages/server/src/modules/identity/session-service.ts";
import { systemClock } from "../packages/server/src/platform/clock.ts";
import { loadConfig } from "../packages/server/src/platform/config.ts";
import { type DatabaseTarget, openDatabase } from "../packages/server/src/platform/db/client.ts";
import { checkPublicUrl } from "../packages/server/src/platform/db/instance-settings.ts";
import { migrate } from "../packages/server/src/platform/db/migrate.ts";

const root = path.resolve(import.meta.dirname, "..");
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? 40);
const PG_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const EMAIL = "bench.admin@studio.example";
const PASSWORD = "bench lantern quartz meadow";

interface Result {
  db: string;
  signInsPerSecond: number;
  signInP50: number;
  sent: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  achievedRate: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** migrate, create the bench user and a complete session; returns the session cookie */
async function prepare(target: DatabaseTarget, env: Record<string, string>): Promise<string> {
  const config = loadConfig(env);
  const database = await openDatabase(target);
  try {
    await migrate(database);
    await checkPublicUrl(database.db, config.publicUrl);
    const ctx = { clock: systemClock, config, log: pino({ level: "silent" }) };
    const user = await createAccount(
      database.db,
      ctx,
      {},
      {
        name: "Bench Admin",
        email: EMAIL,
        partnerId: null,
        roles: ["studio_admin"],
        status: "active",
      },
    );
    await storePassword(database.db, ctx, user.id, PASSWORD);
    const session = await createSession(
      database.db,
      ctx,
      user,
      { stage: "complete", amr: ["pwd", "otp"] },
      {},
    );
    return session.token;
  } finally {
    await database.close();
  }
}

async function startServer(env: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const profile = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, path.join(root, "packages/server/src/main.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${env.PORT}/api/health`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error("the server did not come up within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function request(
  agent: http.Agent,
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, agent, method: opts.method, path: opts.path, headers: opts.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function benchSignIn(port: number): Promise<{ perSecond: number; p50: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const body = JSON.stringify({ email: EMAIL, password: PASSWORD });
  const headers = { "content-type": "application/json", "x-csrf-token": "bench" };
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < SIGN_INS) {
      next++;
      const t0 = performance.now();
      const res = await request(agent, port, { method: "POST", path: "/api/auth/sign-in", headers, body });
      if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${res.body}`);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    perSecond: SIGN_INS / elapsed,
    p50: percentile(
      times.sort((a, b) => a - b),
      50,
    ),
  };
}

async function benchRead(port: number, token: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const headers = { cookie: `__Host-loupe_session=${token}` };
  // warm-up: connections, JIT, the session row in cache
  for (let i = 0; i < 200; i++)
    await request(agent, port, { method: "GET", path: "/api/auth/session", headers });
  const total = RATE * SECONDS;
  const interval = 1000 / RATE;
  const latencies: number[] = [];
  /** [scheduled offset ms, latency ms] of the slowest requests: shows whether stalls are periodic */
  const slowest: [number, number][] = [];
  let errors = 0;
  let sent = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const scheduled = start + sent * interval;
        sent++;
        pending.push(
          request(agent, port, { method: "GET", path: "/api/auth/session", headers })
            .then((res) => {
              if (res.status !== 200 || !res.body.includes('"authenticated":true')) errors++;
              const latency = performance.now() - scheduled;
              latencies.push(latency);
              if (latency > 50) slowest.push([scheduled - start, latency]);
            })
            .catch(() => {
              errors++;
            }),
        );
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  if (slowest.length > 0) {
    const starts = slowest
      .filter(([at], i) => i === 0 || at - slowest[i - 1][0] > 100)
      .map(([at]) => (at / 1000).toFixed(2));
    console.log(
      `  ${slowest.length} requests over 50 ms; stalls begin at s: ${starts.slice(0, 12).join(", ")}`,
    );
  }
  return {
    sent,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    achievedRate: sent / elapsed,
  };
}

async function runOne(kind: "pglite" | "postgres"): Promise<Result | null> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-bench-"));
  const port = await freePort();
  const env: Record<string, string> = {
    LOUPE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    ROLES: "web",
    LOG_LEVEL: "warn",
    PUBLIC_URL: `http://localhost:${port}`,
  };
  let dropDb: (() => Promise<void>) | null = null;
  let target: DatabaseTarget = { pgliteDir: path.join(dataDir, "pglite") };
  if (kind === "postgres") {
    const admin = new pg.Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch (err) {
      console.log(`PostgreSQL at ${PG_URL} does not answer (${(err as Error).message}): skipped.`);
      return null;
    }
    const name = `loupe_bench_${crypto.randomBytes(4).toString("hex")}`;
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    target = { databaseUrl: env.DATABASE_URL };
    dropDb = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  try {
    const token = await prepare(target, env);
    const server = await startServer(env);
    try {
      const signIn = await benchSignIn(port);
      // let the sign-in burst settle (argon2 threads, the embedded engine's writes) before the read phase
      await new Promise((r) => setTimeout(r, 3000));
      const read = await benchRead(port, token);
      return { db: kind, signInsPerSecond: signIn.perSecond, signInP50: signIn.p50, ...read };
    } finally {
      await server.stop();
    }
  } finally {
    await dropDb?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_ONLY;
const results: Result[] = [];
for (const kind of ["pglite", "postgres"] as const) {
  if (only && only !== kind) continue;
  console.log(
    `\n--- ${kind}: ${SIGN_INS} sign-ins, then GET /api/auth/session at ${RATE}/s for ${SECONDS} s ---`,
  );
  const r = await runOne(kind);
  if (r) results.push(r);
}
const f = (n: number) => n.toFixed(1);
console.log(`\nmachine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}`);
console.log(
  "db        sign-ins/s  sign-in p50 ms | read: sent  rate/s  errors  p50 ms  p99 ms  max ms  goal p99<25ms",
);
for (const r of results) {
  console.log(
    `${r.db.padEnd(9)} ${f(r.signInsPerSecond).padStart(10)}  ${f(r.signInP50).padStart(11)} | ${String(r.sent).padStart(10)}  ${f(r.achievedRate).padStart(6)}  ${String(r.errors).padStart(6)}  ${f(r.p50).padStart(6)}  ${f(r.p99).padStart(6)}  ${f(r.max).padStart(6)}  ${r.p99 < 25 && r.errors === 0 ? "met" : "NOT met"}`,
  );
}
