import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../platform/context.ts";
import { factorAdminRoutes } from "./admin-routes.ts";
import { factorSelfRoutes } from "./routes.ts";

export { STEP_UP_MAX_AGE_MS } from "./enrolment.ts";
/** The multi-factor part of identity: what the rest of the server may use. */
export { countFactors, type FactorCounts, type FactorSummary, listFactors } from "./factor-list.ts";

/** every factor route, registered under /api by platform/http/modules.ts */
export async function factorRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  await factorSelfRoutes(api, ctx);
  await factorAdminRoutes(api, ctx);
}
