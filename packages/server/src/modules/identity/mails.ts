import type { Config } from "../../platform/config.ts";
import type { MailMessage } from "../../platform/mail/mailer.ts";

/**
 * The identity module's mails, one person each. Links carry their token in the URL fragment
 * (#token=...): browsers never send a fragment to a server, so it stays out of access logs and
 * Referer headers; the page reads it and posts it.
 */
export function link(config: Pick<Config, "publicUrl">, page: string, token: string): string {
  return `${config.publicUrl.origin}/${page}#token=${token}`;
}

export function invitationMail(
  config: Pick<Config, "publicUrl">,
  to: { email: string; name: string },
  token: string,
  hours: number,
): MailMessage {
  return {
    to: to.email,
    subject: "Your Loupe account: confirm your email and choose a password",
    text:
      `Hello ${to.name},\n\n` +
      "The studio has created a Loupe account for you. Open this link to confirm that this email " +
      "address is yours and to choose your password:\n\n" +
      `${link(config, "invitation", token)}\n\n` +
      `The link works once and expires in ${hours} hours. After that, sign in with your email and ` +
      "password: you will then set up two-step verification (an authenticator app, a hardware token " +
      "or a security key; no phone needed).\n\n" +
      "If you did not expect this, you can ignore this email.\n",
  };
}

export function verifyEmailMail(
  config: Pick<Config, "publicUrl">,
  to: { email: string; name: string },
  token: string,
  hours: number,
): MailMessage {
  return {
    to: to.email,
    subject: "Confirm your email address for Loupe",
    text:
      `Hello ${to.name},\n\nPlease confirm that this address is yours by opening this link:\n\n` +
      `${link(config, "verify-email", token)}\n\nThe link works once and expires in ${hours} hours.\n`,
  };
}

export function passwordResetMail(
  config: Pick<Config, "publicUrl">,
  to: { email: string; name: string },
  token: string,
  minutes: number,
): MailMessage {
  return {
    to: to.email,
    subject: "Reset your Loupe password",
    text:
      `Hello ${to.name},\n\nSomeone (hopefully you) asked to reset the password of your Loupe account. ` +
      "To choose a new password, open this link:\n\n" +
      `${link(config, "reset-password", token)}\n\n` +
      `The link works once and expires in ${minutes} minutes. Your two-step verification stays as ` +
      "it is: you will still need it to sign in.\n\nIf you did not ask for this, ignore this email; " +
      "your password stays the same.\n",
  };
}

export function passwordChangedMail(
  to: { email: string; name: string },
  how: "changed" | "reset" | "set",
  when: Date,
): MailMessage {
  return {
    to: to.email,
    subject: "Your Loupe password was changed",
    text:
      `Hello ${to.name},\n\nThe password of your Loupe account was ${how} on ${when.toISOString()} ` +
      "(UTC). Your other sessions were signed out.\n\nIf this was not you, reset your password now and " +
      "tell the studio: someone may know your old password.\n",
  };
}
