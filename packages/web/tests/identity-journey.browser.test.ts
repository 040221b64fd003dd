/**
 * The identity journey in a real Chromium, as people live it: the first Studio Admin bootstraps
 * and enrols TOTP; invites a partner user; the user confirms the email from the mailed link, sets
 * a password, must enrol at first sign-in (TOTP, code computed from the secret the page shows),
 * gets recovery codes, signs out and in with password + code; registers a security key through
 * the DevTools virtual authenticator and signs in with it; uses a recovery code once, and a second
 * use of that code is refused. Then the admin journeys (admin-journeys.ts) in the same browser:
 * hardware tokens, password reset keeping MFA, admin factor reset after step-up.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { partners } from "../../server/src/modules/directory/schema.ts";
import { describeAdminJourneys } from "./admin-journeys.ts";
import { type Harness, hasChromium, startHarness } from "./harness.ts";
import { bootstrapAdmin, enrolTotp, expectHome, invite, proveWithCode, signIn, signOut } from "./steps.ts";

const skip = hasChromium ? false : "Chromium is not installed (/usr/bin/chromium)";

const ADMIN = {
  name: "Ada Admin",
  email: "ada.admin@studio.example",
  password: "copper kettle winter harbour",
};
const PARTNER = { name: "Northlight Post" };
const USER = {
  name: "Priya Operator",
  email: "priya.patel@northlight.example",
  password: "seven blue lanterns at dusk",
};

/** state carried from one step of the journey to the next */
const journey: { adminSecret?: string; userSecret?: string; recoveryCodes?: string[] } = {};

describe("identity journey in Chromium", { skip }, () => {
  let h: Harness;
  let page: Page;

  before(async () => {
    h = await startHarness();
    page = h.page;
    await h.database.db.insert(partners).values({
      id: crypto.randomUUID(),
      name: PARTNER.name,
      allowedDomains: ["northlight.example"],
      createdAt: h.clock.now(),
    });
  });
  after(async () => {
    await h?.close();
  });

  test("the first Studio Admin bootstraps from the printed link and must enrol TOTP first", async (t) => {
    await h.guard(t, async () => {
      journey.adminSecret = await bootstrapAdmin(page, h, ADMIN, "01");
      // Chromium keeps the session in a __Host- cookie over http://localhost (a secure context)
      const cookies = await h.browser.cookies(h.baseUrl);
      const session = cookies.find((c) => c.name === "__Host-loupe_session");
      assert.ok(session, `the session cookie is set: ${cookies.map((c) => c.name).join(", ")}`);
      assert.deepEqual(
        [session.secure, session.httpOnly, session.sameSite, session.path],
        [true, true, "Lax", "/"],
      );
      await page.getByRole("link", { name: "Users" }).first().waitFor();
    });
  });

  test("the admin invites a partner user, who confirms the email from the mail and sets a password", async (t) => {
    await h.guard(t, async () => {
      await invite(page, h, USER, PARTNER.name, "Operator", "03-invite");
      await h.screenshot("04-users");
      await signOut(page, ADMIN.name);

      const { link } = await h.mailLink(USER.email, /Loupe account/);
      assert.ok(
        link.startsWith(`${h.baseUrl}/invitation#token=`),
        `the mailed link opens the invitation page: ${link}`,
      );
      await page.goto(link);
      await page.getByRole("heading", { name: "Set up your Loupe account" }).waitFor();
      await page.getByText(USER.email).first().waitFor();
      // too short: said next to the field, and the button stays off
      await page.getByLabel("New password").fill("short");
      await page.getByText(/Use at least 12 characters/).waitFor();
      // a common password: the server refuses it with a clear message
      await page.getByLabel("New password").fill("password1234");
      await page.getByRole("button", { name: "Verify email and set password" }).click();
      await page
        .getByText(/common|guess|breach/i)
        .first()
        .waitFor();
      await h.screenshot("05-invitation-weak-password");
      await page.getByLabel("New password").fill(USER.password);
      await page.getByRole("button", { name: "Verify email and set password" }).click();
      await page.getByText("Your email is verified").waitFor();
    });
  });

  test("at first sign-in the partner user must enrol TOTP, then signs out and in with password + code", async (t) => {
    await h.guard(t, async () => {
      await signIn(page, h, USER);
      const { secret, codes } = await enrolTotp(page, h);
      journey.userSecret = secret;
      journey.recoveryCodes = codes;
      await expectHome(page, USER.name);
      await h.screenshot("06a-partner-home");
      // a partner operator has no administration pages
      assert.equal(await page.getByRole("link", { name: "Users" }).count(), 0);
      await signOut(page, USER.name);

      // this time with the keyboard alone: the email field has focus, Tab moves on, Enter submits
      await page.goto(`${h.baseUrl}/sign-in`);
      await page.getByLabel("Email").waitFor();
      await page.keyboard.type(USER.email);
      await page.keyboard.press("Tab");
      await page.keyboard.type(USER.password);
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Confirm it is you" }).waitFor();
      await h.screenshot("06-second-factor");
      // the code field has focus on arrival
      await page.getByRole("textbox", { name: "Authenticator code" }).waitFor();
      await page.keyboard.type(h.nextTotp(secret));
      await page.keyboard.press("Enter");
      await expectHome(page, USER.name);
    });
  });

  test("the user registers a security key (virtual authenticator) and signs in with it", async (t) => {
    await h.guard(t, async () => {
      const key = await h.addSecurityKey(page);
      await page.goto(`${h.baseUrl}/account/security`);
      await page.getByRole("heading", { name: "Security settings" }).waitFor();
      await page.getByRole("button", { name: "Add a factor" }).click();
      const dialog = page.getByRole("dialog", { name: "Add a second factor" });
      await dialog.getByRole("tab", { name: "Security key" }).click();
      await dialog.getByLabel("Name for this key").fill("Blue key");
      await dialog.getByRole("button", { name: "Register security key" }).click();
      // adding a factor needs a recent second factor: signing in counts, else the dialog asks
      const stepUp = page.getByRole("dialog", { name: "Confirm it is you" });
      const added = page.getByRole("cell", { name: "Blue key", exact: true });
      await added.or(stepUp).first().waitFor();
      if (await stepUp.isVisible()) {
        await stepUp
          .getByRole("textbox", { name: "Authenticator code" })
          .fill(h.nextTotp(journey.userSecret!));
        await stepUp.getByRole("button", { name: "Verify code" }).click();
      }
      await added.waitFor();
      assert.equal(await key.credentialCount(), 1, "the virtual key holds one resident credential");
      await h.screenshot("07-security-settings");
      await signOut(page, USER.name);

      await signIn(page, h, USER);
      await page.getByRole("heading", { name: "Confirm it is you" }).waitFor();
      await page.getByRole("tab", { name: "Security key" }).click();
      await page.getByRole("button", { name: "Use security key" }).click();
      await expectHome(page, USER.name);
      await key.remove();

      // rename it, then remove it (the user is told by mail)
      await page.goto(`${h.baseUrl}/account/security`);
      await page.getByRole("button", { name: "Rename Blue key" }).click();
      const rename = page.getByRole("dialog", { name: "Rename factor" });
      await rename.getByLabel("Name").fill("Blue key on my keyring");
      await rename.getByRole("button", { name: "Save" }).click();
      await page.getByRole("cell", { name: "Blue key on my keyring", exact: true }).waitFor();
      await page.getByRole("button", { name: "Remove Blue key on my keyring" }).click();
      await page
        .getByRole("dialog", { name: "Remove this factor?" })
        .getByRole("button", { name: "Remove" })
        .click();
      await page.getByText("“Blue key on my keyring” was removed.").waitFor();
      assert.equal(await page.getByRole("cell", { name: "Blue key on my keyring", exact: true }).count(), 0);
    });
  });

  test("a recovery code signs in once; the same code is refused the second time", async (t) => {
    await h.guard(t, async () => {
      const code = journey.recoveryCodes![0];
      await signOut(page, USER.name);
      await signIn(page, h, USER);
      await page.getByRole("tab", { name: "Recovery code" }).click();
      await page.getByRole("textbox", { name: "Recovery code" }).fill(code);
      await page.getByRole("button", { name: "Use recovery code" }).click();
      await expectHome(page, USER.name);
      await signOut(page, USER.name);

      await signIn(page, h, USER);
      await page.getByRole("tab", { name: "Recovery code" }).click();
      await page.getByRole("textbox", { name: "Recovery code" }).fill(code);
      await page.getByRole("button", { name: "Use recovery code" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "Not verified" });
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? "", /already used/i);
      await h.screenshot("08-recovery-code-refused");
      assert.equal(await page.getByRole("heading", { name: `Welcome, ${USER.name}` }).count(), 0);
    });
  });

  test("the admin searches the audit log and exports it as CSV", async (t) => {
    await h.guard(t, async () => {
      await page.getByRole("button", { name: "Start again" }).click();
      await signIn(page, h, ADMIN);
      await proveWithCode(page, h.nextTotp(journey.adminSecret!));
      await page.getByRole("navigation").getByRole("link", { name: "Audit log" }).click();
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      await page.getByLabel("Target").fill(USER.email);
      await page.getByRole("button", { name: "Search" }).click();
      const table = page.getByRole("table", { name: "Audit log entries" });
      await table.getByRole("row").nth(1).waitFor();
      // the refused second use of the recovery code is on record
      await table.getByRole("row").filter({ hasText: "failure" }).first().waitFor();
      await h.screenshot("09-audit-log");
      const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
      const csv = await page.request.get(`${h.baseUrl}${href}`);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()["content-type"] ?? "", /text\/csv/);
      assert.match(await csv.text(), new RegExp(USER.email.replace(/\./g, "\\.")));
    });
  });

  describeAdminJourneys({ harness: () => h, admin: ADMIN, adminSecret: () => journey.adminSecret! });

  test("no page broke the content security policy", () => {
    assert.deepEqual(h.cspViolations, []);
  });
});
