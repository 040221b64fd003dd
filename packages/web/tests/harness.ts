/**
 * Browser test harness: the real Loupe server in this process (fresh migrated database, SMTP sink
 * on loopback, a clock the test moves) serving the built web UI, and Debian's Chromium driven by
 * playwright-core. http://localhost is a secure context, so WebAuthn and the __Host- session
 * cookie work without TLS; security keys come from the DevTools virtual authenticator.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { TOTP } from "otpauth";
import pino from "pino";
import { type BrowserContext, type CDPSession, chromium, type Page } from "playwright-core";
import { ensureWebBuild } from "../../../scripts/web-build.ts";
import { issueBootstrapLink } from "../../server/src/modules/identity/bootstrap.ts";
import { ManualClock } from "../../server/src/platform/clock.ts";
import { loadConfig } from "../../server/src/platform/config.ts";
import type { AppContext } from "../../server/src/platform/context.ts";
import type { Database } from "../../server/src/platform/db/client.ts";
import { checkPublicUrl } from "../../server/src/platform/db/instance-settings.ts";
import { type App, buildApp } from "../../server/src/platform/http/app.ts";
import { createMailer } from "../../server/src/platform/mail/mailer.ts";
import { linkIn, type ReceivedMail, SmtpSink } from "../../server/src/test-support/smtp-sink.ts";
import { createTestDatabase } from "../../server/src/test-support/test-database.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = fs.existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** what every browser test gets */
export interface Harness {
  /** http://localhost:<port> */
  baseUrl: string;
  ctx: AppContext;
  clock: ManualClock;
  database: Database;
  smtp: SmtpSink;
  browser: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations the browser reported (the UI must cause none) */
  cspViolations: string[];
  /** where failure screenshots (and any the test asks for) go */
  screenshotDir: string;
  /** a fresh single-use bootstrap link, as the server prints it at first start */
  bootstrapLink(): Promise<string>;
  /** the newest mail to `to` whose subject matches, and the first link in it */
  mailLink(to: string, subject?: RegExp): Promise<{ mail: ReceivedMail; link: string }>;
  /** the TOTP code for a base32 secret at the server clock's time, after moving the clock one step on (codes are single-use) */
  nextTotp(secret: string): string;
  /** a DevTools virtual security key on `page` (CTAP2, resident keys, user verification) */
  addSecurityKey(page?: Page): Promise<VirtualKey>;
  /** save a PNG of the page under screenshotDir and return its path */
  screenshot(name: string, page?: Page): Promise<string>;
  /** run a test body; on failure save a screenshot and say where it is */
  guard(t: TestContext, body: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface VirtualKey {
  authenticatorId: string;
  cdp: CDPSession;
  credentialCount(): Promise<number>;
  remove(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startHarness(opts: { env?: Record<string, string> } = {}): Promise<Harness> {
  ensureWebBuild({ quiet: true });

  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-browser-data-"));
  const config = loadConfig({
    LOUPE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: baseUrl,
    SMTP_URL: smtpUrl,
    MAIL_FROM: "loupe@studio.example",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const log = pino({ level: "silent" });
  const database = await createTestDatabase();
  // the wall clock's present: the browser judges cookie expiry by its own clock
  const clock = new ManualClock(new Date());
  const ctx: AppContext = {
    config,
    database,
    clock,
    mailer: createMailer({ smtpUrl, from: config.mailFrom, dataDir, log }),
    log,
  };
  await checkPublicUrl(database.db, config.publicUrl);

  let app: App | null = null;
  let browser: BrowserContext | null = null;
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-chromium-"));
  const screenshotDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-screenshots-"));
  try {
    app = await buildApp(ctx, { logger: false });
    await app.listen({ port, host: "127.0.0.1" });
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      locale: "en-GB",
      timezoneId: "UTC",
    });
    browser.setDefaultTimeout(10_000);
  } catch (err) {
    await browser?.close().catch(() => {});
    await app?.close().catch(() => {});
    await database.close();
    await smtp.stop();
    throw err;
  }
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleProblems: string[] = [];
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleProblems.push(m.text());
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });

  const harness: Harness = {
    baseUrl,
    ctx,
    clock,
    database,
    smtp,
    browser,
    page,
    cspViolations,
    screenshotDir,
    async bootstrapLink() {
      const link = await issueBootstrapLink(ctx);
      if (!link) throw new Error("no bootstrap link: a Studio Admin exists already");
      return link;
    },
    async mailLink(to, subject) {
      const mail = await smtp.waitFor(to, subject, 10_000);
      return { mail, link: linkIn(mail) };
    },
    nextTotp(secret) {
      clock.advance(30_000);
      return new TOTP({
        secret: secret.replace(/\s+/g, ""),
        digits: 6,
        period: 30,
        algorithm: "SHA1",
      }).generate({
        timestamp: clock.now().getTime(),
      });
    },
    async addSecurityKey(onPage = page) {
      const cdp = await browser!.newCDPSession(onPage);
      await cdp.send("WebAuthn.enable", { enableUI: false });
      const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: {
          protocol: "ctap2",
          ctap2Version: "ctap2_1",
          transport: "usb",
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      return {
        authenticatorId,
        cdp,
        async credentialCount() {
          const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
          return credentials.length;
        },
        async remove() {
          await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
        },
      };
    },
    async screenshot(name, onPage = page) {
      const file = path.join(screenshotDir, `${name.replace(/[^a-z0-9-]+/gi, "-")}.png`);
      await onPage.screenshot({ path: file, fullPage: true });
      return file;
    },
    async guard(t, body) {
      try {
        await body();
      } catch (err) {
        const shot = await harness.screenshot(`FAILED-${t.name}`).catch(() => "(no screenshot)");
        const extra = consoleProblems.length
          ? `\nbrowser console errors:\n  ${consoleProblems.join("\n  ")}`
          : "";
        const where = `\nscreenshot: ${shot}\npage: ${page.url()}${extra}`;
        const e = err as Error;
        e.message += where;
        if (e.stack) e.stack = e.stack.replace(/\n/, `${where}\n`);
        throw err;
      }
    },
    async close() {
      // each step is time-boxed: a request stuck in the server must not keep the run alive
      await within(browser!.close(), "closing Chromium");
      await within(app!.close(), "closing the server");
      await within(database.close(), "closing the database");
      await within(smtp.stop(), "stopping the SMTP sink");
      fs.rmSync(profileDir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

async function within(step: Promise<unknown>, what: string, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`browser harness: ${what} took over ${ms / 1000} s; going on without it`);
      resolve();
    }, ms);
  });
  await Promise.race([step.catch(() => {}), timeout]);
  clearTimeout(timer);
}
