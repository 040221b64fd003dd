import { campaignTask } from "../modules/governance/periodic.ts";
import { factorCleanupTask } from "../modules/identity/factors/cleanup-task.ts";
import { identityHousekeepingTask } from "../modules/identity/housekeeping.ts";
import type { PeriodicTask } from "./worker.ts";

/** Every module's periodic tasks. Add a module's tasks here. */
export const periodicTasks: PeriodicTask[] = [campaignTask, factorCleanupTask, identityHousekeepingTask];
