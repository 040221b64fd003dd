import { MINUTE } from "../../platform/clock.ts";
import type { PeriodicTask } from "../../platform/worker.ts";
import { processCampaigns } from "./campaigns.ts";

/** Campaign reminders and deadlines; idempotent, so a missed or repeated run does no harm. */
export const campaignTask: PeriodicTask = {
  name: "governance.campaigns",
  everyMs: 5 * MINUTE,
  async run(ctx) {
    await processCampaigns(ctx);
  },
};
