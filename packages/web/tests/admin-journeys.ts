/**
 * Admin journeys in Chromium: hardware OATH tokens (import seeds, assign one, the person proves
 * it with a code at first sign-in), a password reset by mail that still asks for the second
 * factor, and a Studio Admin resetting someone's factors after a step-up (the person must enrol
 * again).
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { partners, users } from "../../server/src/modules/directory/schema.ts";
import { calendarDate } from "../../server/src/modules/identity/enrolment-policy.ts";
import { mfaGraceAccounts } from "../../server/src/modules/identity/schema.ts";
import { DAY } from "../../server/src/platform/clock.ts";
import type { Harness } from "./harness.ts";
import {
  acceptInvitation,
  expectHome,
  invite,
  type Person,
  proveWithCode,
  saveRecoveryCodes,
  signIn,
  signOut,
} from "./steps.ts";

const PARTNER = "Harbour Sound";
const USER = {
  name: "Tomás Reyes",
  email: "tomas.reyes@harbour.example",
  password: "marmalade skies over the pier",
};
const NEW_PASSWORD = "quiet orchards in late november";
const ROLLOUT_PARTNER = "Cedar Lane Post";
const EXISTING = {
  name: "Lena Fischer",
  email: "lena.fischer@cedarlane.example",
  password: "a heron stands in the reeds",
};
const TOKEN = { serial: "HT-100234", secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" };

/**
 * Declared inside the identity journey's suite: it runs after it, in the same browser and server,
 * with the Studio Admin that journey created (signed in when these start).
 */
export function describeAdminJourneys(env: {
  harness: () => Harness;
  admin: Person;
  adminSecret: () => string;
}) {
  const ADMIN = env.admin;
  describe("admin journeys", () => {
    let h: Harness;

    before(async () => {
      h = env.harness();
      await h.database.db.insert(partners).values({
        id: crypto.randomUUID(),
        name: PARTNER,
        allowedDomains: ["harbour.example"],
        createdAt: h.clock.now(),
      });
      // a partner in the middle of the MFA rollout: enforcement three days from now
      await h.database.db.insert(partners).values({
        id: crypto.randomUUID(),
        name: ROLLOUT_PARTNER,
        allowedDomains: ["cedarlane.example"],
        mfaEnforcementDate: calendarDate(
          new Date(h.clock.now().getTime() + 3 * DAY),
          h.ctx.config.studioTimeZone,
        ),
        createdAt: h.clock.now(),
      });
    });

    test("the admin imports hardware token seeds and assigns one to an invited partner user", async (t) => {
      await h.guard(t, async () => {
        const page = h.page;
        await invite(page, h, USER, PARTNER, "Verifier");

        await page.getByRole("navigation").getByRole("link", { name: "Hardware tokens" }).click();
        await page.getByRole("button", { name: "Import seeds" }).click();
        const dialog = page.getByRole("dialog", { name: "Import hardware token seeds" });
        await dialog
          .getByLabel("Or paste the content")
          .fill(`${TOKEN.serial},${TOKEN.secret},6,30\nHT-100235,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,6,30\n`);
        await dialog.getByRole("button", { name: "Check" }).click();
        await dialog.getByText("2 tokens are ready to import.").waitFor();
        await dialog.getByRole("button", { name: "Import" }).click();
        await page.getByText("2 tokens were imported.").waitFor();

        await page.getByRole("button", { name: `Assign token ${TOKEN.serial}` }).click();
        const assign = page.getByRole("dialog", { name: `Assign token ${TOKEN.serial}` });
        await assign.getByLabel("Person").fill("Tom");
        await page.getByRole("option", { name: new RegExp(USER.email) }).click();
        await assign.getByRole("button", { name: "Assign" }).click();
        await page.getByText(`Token ${TOKEN.serial} is assigned to ${USER.email}.`).waitFor();
        await page
          .getByRole("table", { name: "Hardware tokens" })
          .getByText("Waiting for first code")
          .waitFor();
        await h.screenshot("10-hardware-tokens");
        await signOut(page, ADMIN.name);
      });
    });

    test("the user proves the assigned token with a code at first sign-in", async (t) => {
      await h.guard(t, async () => {
        const page = h.page;
        await acceptInvitation(page, h, USER);
        await signIn(page, h, USER);
        await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
        // a person with an assigned token starts on the hardware token tab
        await page.getByRole("tab", { name: "Hardware token", selected: true }).waitFor();
        const serial = page.getByLabel("Serial number");
        await page.getByText(`The studio assigned token ${TOKEN.serial} to you.`).waitFor();
        assert.equal(await serial.inputValue(), TOKEN.serial, "the assigned token's serial is filled in");
        await page.getByLabel("Code shown on the token").fill(h.nextTotp(TOKEN.secret));
        await h.screenshot("11-hardware-token-enrol");
        await page.getByRole("button", { name: "Confirm token" }).click();
        await saveRecoveryCodes(page, h);
        await expectHome(page, USER.name);
      });
    });

    test("a password reset by mail does not skip the second factor", async (t) => {
      await h.guard(t, async () => {
        const page = h.page;
        await signOut(page, USER.name);
        await page.getByRole("link", { name: "Forgot your password?" }).click();
        await page.getByLabel("Email").fill(USER.email);
        await page.getByRole("button", { name: "Send reset link" }).click();
        await page.getByText("Check your email").waitFor();
        const { link } = await h.mailLink(USER.email, /Reset your Loupe password/);
        await page.goto(link);
        await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
        await page.getByLabel("New password").fill(NEW_PASSWORD);
        await page.getByRole("button", { name: "Set new password" }).click();
        await page.getByText("Password changed").waitFor();

        await signIn(page, h, { email: USER.email, password: NEW_PASSWORD });
        await proveWithCode(page, h.nextTotp(TOKEN.secret));
        await expectHome(page, USER.name);
      });
    });

    test("a Studio Admin resets the user's factors after a step-up; the user must enrol again", async (t) => {
      await h.guard(t, async () => {
        const page = h.page;
        await signOut(page, USER.name);
        await signIn(page, h, ADMIN);
        await proveWithCode(page, h.nextTotp(env.adminSecret()));
        await expectHome(page, ADMIN.name);
        // the sign-in's proof is no longer fresh: the reset must ask for a factor again
        h.clock.advance(11 * 60_000);

        await page.getByRole("navigation").getByRole("link", { name: "Users" }).click();
        await page.getByRole("button", { name: `Actions for ${USER.name}` }).click();
        await page.getByRole("menuitem", { name: "Reset second factors" }).click();
        const dialog = page.getByRole("dialog", { name: `Reset second factors: ${USER.name}` });
        await dialog
          .getByLabel("Reason")
          .fill("Lost token, confirmed by phone call with the Vendor Manager (ticket 4411)");
        await dialog.getByRole("button", { name: "Reset factors" }).click();
        const stepUp = page.getByRole("dialog", { name: "Confirm it is you" });
        await stepUp.getByRole("textbox", { name: "Authenticator code" }).fill(h.nextTotp(env.adminSecret()));
        await h.screenshot("12-step-up");
        await stepUp.getByRole("button", { name: "Verify code" }).click();
        await page.getByText(`Reset second factors: done for ${USER.name}.`).waitFor();
        await h.smtp.waitFor(USER.email, /two-step|factor|sign-in/i);
        await signOut(page, ADMIN.name);

        await signIn(page, h, { email: USER.email, password: NEW_PASSWORD });
        await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
      });
    });

    test("an account from before the rollout is urged until its partner's date, then must enrol", async (t) => {
      await h.guard(t, async () => {
        const page = h.page;
        await page.getByRole("button", { name: "Sign out" }).click();
        await signIn(page, h, ADMIN);
        await proveWithCode(page, h.nextTotp(env.adminSecret()));
        await invite(page, h, EXISTING, ROLLOUT_PARTNER, "Operator");
        await signOut(page, ADMIN.name);
        // the account existed before the rollout (as an import of existing accounts records it)
        const [row] = await h.database.db
          .select({ id: users.id })
          .from(users)
          .where(eq(users.email, EXISTING.email));
        await h.database.db
          .insert(mfaGraceAccounts)
          .values({ userId: row.id, grantedAt: h.clock.now(), reason: "existing partner account" });
        await acceptInvitation(page, h, EXISTING);

        await signIn(page, h, EXISTING);
        await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
        await page.getByRole("button", { name: "Remind me next time" }).click();
        await expectHome(page, EXISTING.name);
        await page.getByRole("status").filter({ hasText: "Set up two-step sign-in" }).waitFor();
        await h.screenshot("13-urged-banner");
        await signOut(page, EXISTING.name);

        h.clock.advance(4 * DAY);
        await signIn(page, h, EXISTING);
        await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
        await page.getByRole("button", { name: "Set up authenticator app" }).waitFor();
        assert.equal(
          await page.getByRole("button", { name: "Remind me next time" }).count(),
          0,
          "no postponing after the date",
        );
      });
    });
  });
}
