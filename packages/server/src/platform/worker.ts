import type { AppContext } from "./context.ts";
import { periodicTasks } from "./worker-tasks.ts";

/** A periodic duty of a module (reminders, deadlines). It must be idempotent: it may run again. */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(ctx: AppContext): Promise<void>;
}

/**
 * The worker role: runs each periodic task on its interval. On a PostgreSQL server several worker
 * processes may run; a session advisory lock per task makes only one of them run it at a
 * time. A crash mid-run leaves nothing half-done because each task commits its own transactions and
 * is idempotent, so the next tick simply does the rest.
 */
export function startWorker(ctx: AppContext): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const task of periodicTasks) {
    const tick = () => {
      const p = runOnce(ctx, task)
        .catch((err) => ctx.log.error({ err, task: task.name }, "periodic task failed; it will run again"))
        .finally(() => running.delete(p));
      running.add(p);
    };
    tick();
    timers.push(setInterval(tick, task.everyMs));
  }
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled(running);
    },
  };
}

export async function runOnce(ctx: AppContext, task: PeriodicTask): Promise<void> {
  const pool = ctx.database.pool;
  // Embedded PGlite serves one process, so there is no other worker to exclude.
  if (!pool) return task.run(ctx);
  const client = await pool.connect();
  try {
    const key = hashName(task.name);
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1) as locked", [
      key,
    ]);
    if (!rows[0]?.locked) return;
    try {
      await task.run(ctx);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [key]);
    }
  } finally {
    client.release();
  }
}

function hashName(name: string): number {
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}
