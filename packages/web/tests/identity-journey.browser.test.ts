/**
 * The identity journey in a real Chromium, as people live it: the first Studio Admin bootstraps
 * and enrols TOTP; invites a partner user; the user confirms the email from the mailed link, sets
 * a password, must enrol at first sign-in (TOTP, code computed from the secret the page shows),
 * gets recovery codes, signs out and in with password + code; registers a security key through
 * the DevTools virtual authenticator and signs in with it; uses a recovery code once, and a second
 * use of that code is refused.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { partners } from "../../server/src/modules/directory/schema.ts";
import { type Harness, hasChromium, startHarness } from "./harness.ts";

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

async function signIn(page: Page, h: Harness, who: { email: string; password: string }) {
  await page.goto(`${h.baseUrl}/sign-in`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByRole("button", { name: "Continue" }).click();
}

async function signOut(page: Page, name: string) {
  await page.getByRole("button", { name: `Account menu for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByText("You are signed out.").waitFor();
}

/** the must-enrol step: authenticator app, with the code computed from the secret on the page */
async function enrolTotp(page: Page, h: Harness): Promise<{ secret: string; codes: string[] }> {
  await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s+/g, "");
  assert.match(secret, /^[A-Z2-7]{16,}$/, "the typed secret is shown as base32");
  await page.getByRole("img", { name: /QR code/ }).waitFor();
  await page.getByLabel("Code from your authenticator app").fill(h.nextTotp(secret));
  await page.getByRole("button", { name: "Confirm and turn on" }).click();
  const list = page.getByRole("list", { name: "Recovery codes" });
  await list.waitFor();
  const codes = (await list.getByRole("listitem").allTextContents()).map((c) => c.trim());
  assert.equal(codes.length, 10, "ten recovery codes are shown once");
  const cont = page.getByRole("button", { name: "Continue to Loupe" });
  assert.equal(await cont.isDisabled(), true, "going on needs the 'I have saved them' confirmation");
  await page.getByLabel("I have saved my recovery codes somewhere safe").check();
  await cont.click();
  return { secret, codes };
}

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
      await page.goto(await h.bootstrapLink());
      await page.getByRole("heading", { name: "Create the first Studio Admin" }).waitFor();
      await page.getByLabel("Your full name").fill(ADMIN.name);
      await page.getByLabel("Your work email").fill(ADMIN.email);
      await page.getByLabel("New password").fill(ADMIN.password);
      await h.screenshot("01-bootstrap");
      await page.getByRole("button", { name: "Create account" }).click();

      await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
      await h.screenshot("02-must-enrol");
      const { secret } = await enrolTotp(page, h);
      journey.adminSecret = secret;
      await page.getByRole("heading", { name: `Welcome, ${ADMIN.name}` }).waitFor();
      await page.getByRole("link", { name: "Users" }).first().waitFor();
    });
  });

  test("the admin invites a partner user, who confirms the email from the mail and sets a password", async (t) => {
    await h.guard(t, async () => {
      await page.getByRole("navigation").getByRole("link", { name: "Users" }).click();
      await page.getByRole("heading", { name: "Users" }).waitFor();
      await page.getByRole("button", { name: "Invite user" }).click();
      const dialog = page.getByRole("dialog", { name: "Invite a user" });
      await dialog.getByLabel("Full name").fill(USER.name);
      await dialog.getByLabel("Email").fill(USER.email);
      await dialog.getByLabel("Organisation").click();
      await page.getByRole("option", { name: PARTNER.name }).click();
      await dialog.getByLabel("Operator").check();
      await h.screenshot("03-invite");
      await dialog.getByRole("button", { name: "Send invitation" }).click();
      await page.getByText(`Invitation sent to ${USER.email}.`).waitFor();
      await page.getByRole("table", { name: "Users" }).getByText(USER.email).waitFor();
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
      await page.getByRole("heading", { name: `Welcome, ${USER.name}` }).waitFor();
      // a partner operator has no administration pages
      assert.equal(await page.getByRole("link", { name: "Users" }).count(), 0);
      await signOut(page, USER.name);

      await signIn(page, h, USER);
      await page.getByRole("heading", { name: "Confirm it is you" }).waitFor();
      await h.screenshot("06-second-factor");
      await page.getByRole("textbox", { name: "Authenticator code" }).fill(h.nextTotp(secret));
      await page.getByRole("button", { name: "Verify code" }).click();
      await page.getByRole("heading", { name: `Welcome, ${USER.name}` }).waitFor();
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
      await page.getByRole("heading", { name: `Welcome, ${USER.name}` }).waitFor();
      await key.remove();
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
      await page.getByRole("heading", { name: `Welcome, ${USER.name}` }).waitFor();
      await signOut(page, USER.name);

      await signIn(page, h, USER);
      await page.getByRole("tab", { name: "Recovery code" }).click();
      await page.getByRole("textbox", { name: "Recovery code" }).fill(code);
      await page.getByRole("button", { name: "Use recovery code" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "Not verified" });
      await alert.waitFor();
      await h.screenshot("08-recovery-code-refused");
      assert.equal(await page.getByRole("heading", { name: `Welcome, ${USER.name}` }).count(), 0);
    });
  });
});
