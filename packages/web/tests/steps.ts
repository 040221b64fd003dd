/**
 * Steps the browser tests share, written the way a person moves through the UI: by headings,
 * labels and button names (so they also check that every control is named for screen readers).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Harness } from "./harness.ts";

export interface Person {
  name: string;
  email: string;
  password: string;
}

export async function signIn(page: Page, h: Harness, who: Pick<Person, "email" | "password">): Promise<void> {
  await page.goto(`${h.baseUrl}/sign-in`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** the second step with an authenticator code */
export async function proveWithCode(page: Page, code: string): Promise<void> {
  await page.getByRole("heading", { name: "Confirm it is you" }).waitFor();
  await page.getByRole("textbox", { name: "Authenticator code" }).fill(code);
  await page.getByRole("button", { name: "Verify code" }).click();
}

export async function signOut(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name: `Account menu for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByText("You are signed out.").waitFor();
}

export async function expectHome(page: Page, name: string): Promise<void> {
  await page.getByRole("heading", { name: `Welcome, ${name}` }).waitFor();
}

/** recovery codes after a first factor: read them, confirm they are saved, go on */
export async function saveRecoveryCodes(page: Page, h: Harness, shot?: string): Promise<string[]> {
  const list = page.getByRole("list", { name: "Recovery codes" });
  await list.waitFor();
  const codes = (await list.getByRole("listitem").allTextContents()).map((c) => c.trim());
  assert.equal(codes.length, 10, "ten recovery codes are shown once");
  if (shot) await h.screenshot(shot);
  const cont = page.getByRole("button", { name: "Continue to Loupe" });
  assert.equal(await cont.isDisabled(), true, "going on needs the 'I have saved them' confirmation");
  await page.getByLabel("I have saved my recovery codes somewhere safe").check();
  await cont.click();
  return codes;
}

/** the must-enrol step: authenticator app, with the code computed from the secret on the page */
export async function enrolTotp(
  page: Page,
  h: Harness,
  shots?: string,
): Promise<{ secret: string; codes: string[] }> {
  await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s+/g, "");
  assert.match(secret, /^[A-Z2-7]{16,}$/, "the typed secret is shown as base32");
  await page.getByRole("img", { name: /QR code/ }).waitFor();
  if (shots) await h.screenshot(`${shots}-totp`);
  await page.getByLabel("Code from your authenticator app").fill(h.nextTotp(secret));
  await page.getByRole("button", { name: "Confirm and turn on" }).click();
  const codes = await saveRecoveryCodes(page, h, shots ? `${shots}-recovery-codes` : undefined);
  return { secret, codes };
}

/** first start: the printed link creates the Studio Admin, who enrols TOTP at once */
export async function bootstrapAdmin(page: Page, h: Harness, admin: Person, shots?: string): Promise<string> {
  await page.goto(await h.bootstrapLink());
  await page.getByRole("heading", { name: "Create the first Studio Admin" }).waitFor();
  await page.getByLabel("Your full name").fill(admin.name);
  await page.getByLabel("Your work email").fill(admin.email);
  await page.getByLabel("New password").fill(admin.password);
  if (shots) await h.screenshot(`${shots}-bootstrap`);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
  if (shots) await h.screenshot(`${shots}-must-enrol`);
  const { secret } = await enrolTotp(page, h, shots);
  await expectHome(page, admin.name);
  return secret;
}

/** Users page: invite one person to a partner with one role; returns once the list shows them */
export async function invite(
  page: Page,
  h: Harness,
  who: Pick<Person, "name" | "email">,
  partner: string,
  role: string,
  shot?: string,
) {
  await page.getByRole("navigation").getByRole("link", { name: "Users" }).click();
  await page.getByRole("heading", { name: "Users" }).waitFor();
  await page.getByRole("button", { name: "Invite user" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite a user" });
  await dialog.getByLabel("Full name").fill(who.name);
  await dialog.getByLabel("Email").fill(who.email);
  await dialog.getByLabel("Organisation").click();
  await page.getByRole("option", { name: partner }).click();
  await dialog.getByLabel(role).check();
  if (shot) await h.screenshot(shot);
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await page.getByText(`Invitation sent to ${who.email}.`).waitFor();
  await page.getByRole("table", { name: "Users" }).getByText(who.email).waitFor();
}

/** the invited person opens the mailed link and chooses a password */
export async function acceptInvitation(page: Page, h: Harness, who: Person): Promise<void> {
  const { link } = await h.mailLink(who.email, /Loupe account/);
  assert.ok(
    link.startsWith(`${h.baseUrl}/invitation#token=`),
    `the mailed link opens the invitation page: ${link}`,
  );
  await page.goto(link);
  await page.getByRole("heading", { name: "Set up your Loupe account" }).waitFor();
  await page.getByLabel("New password").fill(who.password);
  await page.getByRole("button", { name: "Verify email and set password" }).click();
  await page.getByText("Your email is verified").waitFor();
}
