import type { AppContext } from "../../../platform/context.ts";

/**
 * Mails about a person's own factors (NIST SP 800-63B §6.1.2.1, ASVS 6.3.7): each goes to that
 * one person, after the change committed, and says what to do if it was not them.
 */
export interface MailUser {
  email: string;
  name: string;
}

const NOT_YOU =
  "If this was not you, contact the studio's security team at once: someone may know your password.";

function securityPage(ctx: Pick<AppContext, "config">): string {
  return new URL("/account/security", ctx.config.publicUrl).toString();
}

async function send(ctx: Pick<AppContext, "mailer">, user: MailUser, subject: string, lines: string[]) {
  await ctx.mailer.send({ to: user.email, subject, text: [`Hello ${user.name},`, "", ...lines].join("\n") });
}

export async function mailFactorAdded(ctx: AppContext, user: MailUser, factorName: string): Promise<void> {
  await send(ctx, user, "A sign-in factor was added to your Loupe account", [
    `"${factorName}" was added to your account as a way to confirm your sign-in.`,
    "",
    NOT_YOU,
    `Your factors: ${securityPage(ctx)}`,
  ]);
}

export async function mailFactorRemoved(ctx: AppContext, user: MailUser, factorName: string): Promise<void> {
  await send(ctx, user, "A sign-in factor was removed from your Loupe account", [
    `"${factorName}" was removed from your account and can no longer be used to sign in.`,
    "",
    NOT_YOU,
    `Your factors: ${securityPage(ctx)}`,
  ]);
}

export async function mailRecoveryCodeUsed(
  ctx: AppContext,
  user: MailUser,
  remaining: number,
): Promise<void> {
  await send(ctx, user, "A recovery code was used to sign in to your Loupe account", [
    "One of your recovery codes was just used to sign in. Each code works once.",
    `You have ${remaining} unused recovery code${remaining === 1 ? "" : "s"} left.` +
      (remaining <= 3 ? " Generate a new set soon." : ""),
    "",
    NOT_YOU,
    `Your factors and recovery codes: ${securityPage(ctx)}`,
  ]);
}

export async function mailRecoveryCodesGenerated(
  ctx: AppContext,
  user: MailUser,
  replaced: boolean,
): Promise<void> {
  await send(ctx, user, "New recovery codes for your Loupe account", [
    replaced
      ? "A new set of recovery codes was generated for your account. The previous codes no longer work."
      : "Recovery codes were generated for your account. Keep them somewhere safe, away from your computer.",
    "",
    NOT_YOU,
    `Your factors and recovery codes: ${securityPage(ctx)}`,
  ]);
}

/**
 * A code presented a second time, or a security key whose counter went backwards (ASVS 4.0.3
 * 2.8.5: a reused OTP is logged, refused, and its holder told).
 */
export async function mailSuspiciousFactorUse(
  ctx: AppContext,
  user: MailUser,
  what: "replayed" | "counter_regressed",
): Promise<void> {
  await send(ctx, user, "A sign-in to your Loupe account was refused", [
    what === "replayed"
      ? "Someone entered a code that had already been used to sign in to your account, and it was refused."
      : "A security key registered to your account answered with a signature counter lower than before, which can mean the key was copied. It was refused.",
    "",
    "If you just entered the same code twice, there is nothing to do.",
    "Otherwise someone may know your password and have seen a code: change your password and tell the studio's security team.",
    `Your factors: ${securityPage(ctx)}`,
  ]);
}

export async function mailFactorsReset(ctx: AppContext, user: MailUser, reason: string): Promise<void> {
  await send(ctx, user, "Your Loupe sign-in factors were reset", [
    "A Studio Admin removed all your sign-in factors (security keys, authenticator apps, hardware",
    "tokens and recovery codes) and signed you out everywhere.",
    `Reason given: ${reason}`,
    "",
    "At your next sign-in you will be asked to set up two-step verification again.",
    "If you did not ask for this, contact the studio's security team at once.",
  ]);
}
