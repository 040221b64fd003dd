import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";

export async function healthRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  api.withTypeProvider<ZodTypeProvider>().get(
    "/health",
    {
      schema: {
        summary: "Liveness and database check",
        tags: ["platform"],
        response: {
          200: z.object({ status: z.literal("ok"), database: z.enum(["pglite", "postgres"]) }),
          503: z.object({ status: z.literal("unavailable"), database: z.enum(["pglite", "postgres"]) }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await ctx.database.db.execute(sql`select 1`);
        return { status: "ok" as const, database: ctx.database.kind };
      } catch {
        return reply.status(503).send({ status: "unavailable" as const, database: ctx.database.kind });
      }
    },
  );
}
