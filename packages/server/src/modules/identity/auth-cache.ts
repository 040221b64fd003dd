import type { PGlite } from "@electric-sql/pglite";

/**
 * A tiny cache of the per-request auth lookup, for the embedded database only. Measured need: on
 * PGlite every statement runs through the WebAssembly engine in the request's own thread, and the
 * one auth query per request was the bulk of an authenticated read's cost.
 *
 * Correctness of revocation on the NEXT request must hold, so the cache is invalidated by ANY other
 * database activity of the process, not by guessing which writes matter: every call into the PGlite
 * instance (query, exec, transaction) except the auth query itself bumps a generation counter when
 * it is issued and again when it settles, and an entry is used only while the generation is the
 * one read when its auth query was issued. PGlite serves exactly one process (its data directory
 * cannot be shared), so no write can happen outside these calls. Any statement that completed
 * before a request began has bumped the generation past every entry read before it, so that
 * request queries afresh. On a PostgreSQL server (several processes may write) there is no cache.
 */
export interface AuthCache<T> {
  get(sessionId: string): T | undefined;
  /** read the generation before issuing the auth query; store the result with it */
  generation(): number;
  set(sessionId: string, generation: number, value: T): void;
  readonly stats: { hits: number; misses: number };
}

const MAX_ENTRIES = 10_000;
const statsOf = new WeakMap<PGlite, { hits: number; misses: number }>();
const generations = new WeakMap<PGlite, { value: number; authSql: Set<string> }>();

function tracker(pglite: PGlite): { value: number; authSql: Set<string> } {
  let g = generations.get(pglite);
  if (g) return g;
  const state = { value: 0, authSql: new Set<string>() };
  g = state;
  generations.set(pglite, state);
  const bumpAround = <A extends unknown[], R>(
    fn: (...args: A) => Promise<R>,
    skip?: (...args: A) => boolean,
  ) =>
    async function (this: unknown, ...args: A): Promise<R> {
      if (skip?.(...args)) return fn.apply(this, args);
      state.value++;
      try {
        return await fn.apply(this, args);
      } finally {
        state.value++;
      }
    };
  const p = pglite as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  p.query = bumpAround(p.query.bind(pglite), (sql) => typeof sql === "string" && state.authSql.has(sql));
  p.exec = bumpAround(p.exec.bind(pglite));
  p.transaction = bumpAround(p.transaction.bind(pglite));
  return state;
}

/** A cache for `pglite`'s auth query `authSql`; null on a PostgreSQL server. */
export function createAuthCache<T>(pglite: PGlite | undefined, authSql: string): AuthCache<T> | null {
  if (!pglite) return null;
  const state = tracker(pglite);
  state.authSql.add(authSql);
  const entries = new Map<string, { generation: number; value: T }>();
  const stats = { hits: 0, misses: 0 };
  statsOf.set(pglite, stats);
  return {
    stats,
    generation: () => state.value,
    get(sessionId) {
      const e = entries.get(sessionId);
      if (e && e.generation === state.value) {
        stats.hits++;
        return e.value;
      }
      stats.misses++;
      return undefined;
    },
    set(sessionId, generation, value) {
      if (generation !== state.value) return; // something ran meanwhile: do not keep it
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(sessionId, { generation, value });
    },
  };
}

/** hits and misses of the auth cache on `pglite` (for tests and the bench) */
export function authCacheStats(pglite: PGlite | undefined): { hits: number; misses: number } | null {
  return pglite ? (statsOf.get(pglite) ?? null) : null;
}
