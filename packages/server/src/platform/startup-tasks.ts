import { bootstrapStartupTask } from "../modules/identity/bootstrap.ts";
import type { AppContext } from "./context.ts";

/** Work done once at every start, after migrations (e.g. the first-admin bootstrap link). */
export const startupTasks: ((ctx: AppContext) => Promise<void>)[] = [bootstrapStartupTask];
