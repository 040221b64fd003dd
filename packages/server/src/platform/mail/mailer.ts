import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";

export interface MailMessage {
  /** exactly one person's address: Loupe never mails a group or several people at once */
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * SMTP when SMTP_URL is set. Otherwise each mail becomes an .eml file under <data>/mail and its
 * path is logged: only whoever runs the server can read it, and no page shows other people's mail
 * (a link in it would defeat email verification).
 */
export function createMailer(opts: { smtpUrl?: string; from: string; dataDir: string; log: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(m) {
        assertSingleRecipient(m.to);
        await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text });
      },
    };
  }
  const dir = path.join(opts.dataDir, "mail");
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(m) {
      assertSingleRecipient(m.to);
      const info = await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text });
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = path.join(
        dir,
        `${new Date().toISOString().replace(/[:.]/g, "-")}-${info.messageId.replace(/[<>@]/g, "")}.eml`,
      );
      fs.writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      opts.log.info({ file, to: m.to, subject: m.subject }, "mail written to file (no SMTP_URL set)");
    },
  };
}

function assertSingleRecipient(to: string): void {
  if (/[,;]/.test(to) || !/^[^\s@]+@[^\s@]+$/.test(to)) {
    throw new AppError("INTERNAL", "A mail must go to exactly one address.");
  }
}
