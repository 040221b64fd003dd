import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";
import { healthRoutes } from "./health-routes.ts";

/** Every module's routes, registered under /api in this order. Add a module here. */
export const moduleRoutes: ((api: FastifyInstance, ctx: AppContext) => Promise<void>)[] = [healthRoutes];
