import type { FastifyInstance } from "fastify";
import { auditLogRoutes } from "../../modules/audit-log/routes.ts";
import { governanceRoutes } from "../../modules/governance/routes.ts";
import { identityAdminRoutes } from "../../modules/identity/admin-routes.ts";
import { factorRoutes } from "../../modules/identity/factors/index.ts";
import { identityRoutes } from "../../modules/identity/routes.ts";
import type { AppContext } from "../context.ts";
import { healthRoutes } from "./health-routes.ts";

/** Every module's routes, registered under /api in this order. Add a module here. */
export const moduleRoutes: ((api: FastifyInstance, ctx: AppContext) => Promise<void>)[] = [
  healthRoutes,
  identityRoutes,
  identityAdminRoutes,
  factorRoutes,
  auditLogRoutes,
  governanceRoutes,
];
