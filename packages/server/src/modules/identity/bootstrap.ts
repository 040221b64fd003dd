import { sql } from "drizzle-orm";
import { type Actor, recordAudit } from "../../platform/audit/record.ts";
import { HOUR } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { createAccount, hasStudioAdmin, storePassword } from "./accounts.ts";
import { consumeEmailToken, issueEmailToken } from "./email-tokens.ts";
import { sendEmailVerification } from "./email-verification.ts";
import { link } from "./mails.ts";
import { assertAcceptablePassword } from "./passwords.ts";
import { createSession, type IssuedSession, type SessionMeta } from "./session-service.ts";

/**
 * First start: there is no Studio Admin and no default password. Each start while none exists
 * prints a fresh single-use link (valid 24 h; older links stop working) to the log and stdout,
 * which only whoever runs the server sees. The visitor creates the first Studio Admin and is
 * signed in at stage "enrol": MFA must be enrolled before anything else.
 */
export const BOOTSTRAP_TTL_HOURS = 24;
/** serialises concurrent first-admin creations (transaction-scoped advisory lock) */
const lockTable = sql`select pg_advisory_xact_lock(7733001)`;

/** A fresh bootstrap link while no Studio Admin exists (older links stop working), else null. */
export async function issueBootstrapLink(ctx: AppContext): Promise<string | null> {
  const token = await ctx.database.db.transaction(async (tx) => {
    if (await hasStudioAdmin(tx)) return null;
    return issueEmailToken(tx, ctx.clock, "bootstrap", null, BOOTSTRAP_TTL_HOURS * HOUR);
  });
  return token ? link(ctx.config, "bootstrap", token) : null;
}

/** Startup task: print the link to the log and stdout (only whoever runs the server sees them). */
export async function bootstrapStartupTask(ctx: AppContext): Promise<void> {
  const url = await issueBootstrapLink(ctx);
  if (!url) return;
  ctx.log.warn({ bootstrapUrl: url }, "No Studio Admin yet: open the bootstrap link to create the first one");
  process.stdout.write(
    `\nLoupe has no Studio Admin yet. Create the first one within ${BOOTSTRAP_TTL_HOURS} hours at:\n\n  ${url}\n\n` +
      "The link works once; restarting Loupe prints a new one and the old one stops working.\n\n",
  );
}

export async function completeBootstrap(
  ctx: AppContext,
  actor: Actor,
  input: { token: string; name: string; email: string; password: string },
  meta: SessionMeta,
): Promise<IssuedSession> {
  const { session, user } = await ctx.database.db.transaction(async (tx) => {
    await consumeEmailToken(tx, ctx.clock, input.token, ["bootstrap"]);
    // a second bootstrap token (from another start) must not create a second first admin
    await tx.execute(lockTable);
    if (await hasStudioAdmin(tx)) {
      throw new AppError("LINK_EXPIRED", "A Studio Admin already exists. Ask them for an invitation.");
    }
    assertAcceptablePassword(input.password, { email: input.email, name: input.name });
    const user = await createAccount(tx, ctx, actor, {
      name: input.name,
      email: input.email,
      partnerId: null,
      roles: ["studio_admin"],
      status: "active",
    });
    await storePassword(tx, ctx, user.id, input.password);
    const session = await createSession(tx, ctx, user, { stage: "enrol", amr: ["pwd"] }, meta);
    await recordAudit(
      tx,
      ctx.clock,
      { ...actor, userId: user.id, email: user.email },
      {
        action: "identity.bootstrap_admin_created",
        target: { type: "user", id: user.id, label: user.email },
      },
    );
    return { session, user };
  });
  await sendEmailVerification(ctx, user.id);
  return session;
}
