import type { FastifyBaseLogger } from "fastify";

/** Fastify's pino logger is the one logger; services take this narrow view of it. */
export type Logger = Pick<FastifyBaseLogger, "info" | "warn" | "error" | "debug">;
