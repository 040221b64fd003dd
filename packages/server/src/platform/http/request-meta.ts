import type { FastifyRequest } from "fastify";
import type { Actor } from "../audit/record.ts";

/** Who is acting and from where, for the audit log: the signed-in user (if any), address, agent. */
export function actorOf(req: FastifyRequest): Actor {
  return {
    userId: req.auth?.user.id ?? null,
    email: req.auth?.user.email ?? null,
    ip: req.ip,
    userAgent: clientOf(req).userAgent,
  };
}

/** The client's address and user agent (trimmed), as sessions and throttles record them. */
export function clientOf(req: FastifyRequest): { ip: string; userAgent: string | null } {
  const ua = req.headers["user-agent"];
  return { ip: req.ip, userAgent: typeof ua === "string" ? ua.slice(0, 512) : null };
}
