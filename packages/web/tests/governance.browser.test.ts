/**
 * Partner access governance in a real Chromium: a Vendor Manager submits an onboarding through the
 * one request form, the Studio Admin approves it, the invitee's mail arrives in the SMTP sink and
 * the invitee sets a password, enrols MFA and signs in; an account audit runs to its deadline on
 * the injected clock and its outcome shows; a deactivation kills a live session.
 * The Vendor Manager and the Studio Admin are signed in by giving the browser a complete session
 * (identity's createSession), so the test spends its time on governance, not on their sign-in.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { processCampaigns } from "../../server/src/modules/governance/campaigns.ts";
import { getPerson } from "../../server/src/modules/governance/people.ts";
import { submitRequest } from "../../server/src/modules/governance/requests.ts";
import { callerOf, makePartner, makePerson } from "../../server/src/modules/governance/test-fixtures.ts";
import type { AuthUser } from "../../server/src/modules/identity/auth-types.ts";
import { createSession, SESSION_COOKIE } from "../../server/src/modules/identity/session-service.ts";
import { type Harness, hasChromium, startHarness } from "./harness.ts";
import { acceptInvitation, enrolTotp, expectHome, signIn } from "./steps.ts";

const skip = hasChromium ? false : "Chromium is not installed (/usr/bin/chromium)";

const INVITEE = {
  name: "Hana Sato",
  email: "hana.sato@northlight.example",
  password: "quiet lanterns over the harbour",
};

describe("partner access governance in Chromium", { skip }, () => {
  let h: Harness;
  let page: Page;
  let admin: AuthUser;
  let vm: AuthUser;
  let operator: AuthUser;
  let forgotten: AuthUser;

  /** the browser becomes `user`, fully signed in */
  const actAs = async (user: AuthUser) => {
    const s = await createSession(h.database.db, h.ctx, user, { stage: "complete", amr: ["pwd", "otp"] });
    await h.browser.clearCookies();
    await h.browser.addCookies([
      {
        name: SESSION_COOKIE,
        value: s.token,
        domain: "localhost",
        path: "/",
        secure: true,
        httpOnly: true,
        sameSite: "Lax",
      },
    ]);
  };

  before(async () => {
    h = await startHarness();
    page = h.page;
    const db = h.database.db;
    const partnerId = await makePartner(db, h.ctx, {
      name: "Northlight Post",
      domains: ["northlight.example"],
    });
    admin = await makePerson(db, h.ctx, {
      name: "Ada Admin",
      email: "ada@studio.example",
      partnerId: null,
      roles: ["studio_admin"],
    });
    vm = await makePerson(db, h.ctx, {
      name: "Maren Holt",
      email: "maren@northlight.example",
      partnerId,
      roles: ["vendor_manager"],
    });
    operator = await makePerson(db, h.ctx, {
      name: "Otto Operator",
      email: "otto@northlight.example",
      partnerId,
      roles: ["operator"],
      taskTypes: ["full_qc"],
    });
    forgotten = await makePerson(db, h.ctx, {
      name: "Finn Forgotten",
      email: "finn@northlight.example",
      partnerId,
      roles: ["operator"],
    });
  });
  after(async () => {
    await h?.close();
  });

  test("a Vendor Manager onboards a person, the Studio Admin approves, the invitee enrols MFA and signs in", async (t) => {
    await h.guard(t, async () => {
      await actAs(vm);
      await page.goto(`${h.baseUrl}/governance/requests/new`);
      await page.getByRole("heading", { name: "Submit a request" }).waitFor();
      await page.getByLabel("Full name").fill(INVITEE.name);
      await page.getByLabel("Their own work email").fill("qc-team@northlight.example");
      await page.getByRole("checkbox", { name: "Operator" }).check();
      await page.getByRole("checkbox", { name: "Spot QC" }).check();
      await page.getByRole("button", { name: "Send request" }).click();
      await page
        .getByRole("alert")
        .getByText(/shared or group address|role or group address/)
        .waitFor();
      await page.getByLabel("Their own work email").fill(INVITEE.email);
      await page.getByRole("button", { name: "Send request" }).click();
      await page.getByText(/Request sent/).waitFor();
      await h.screenshot("gov-01-request-sent");

      await actAs(admin);
      await page.goto(`${h.baseUrl}/governance/requests`);
      const card = page.getByLabel(`Onboard a person: ${INVITEE.name}`);
      await card.waitFor();
      await card.getByRole("button", { name: "Approve" }).click();
      await page.getByText("No requests here.").waitFor();

      await h.browser.clearCookies();
      await acceptInvitation(page, h, INVITEE);
      await signIn(page, h, INVITEE);
      await enrolTotp(page, h);
      await expectHome(page, INVITEE.name);
    });
  });

  test("an account audit runs to its deadline on the injected clock and its outcome is applied", async (t) => {
    await h.guard(t, async () => {
      await actAs(admin);
      await page.goto(`${h.baseUrl}/governance/campaigns`);
      await page.getByRole("textbox", { name: "Name", exact: true }).fill("Spring account audit");
      const deadline = new Date(h.clock.now().getTime() + 7 * 86_400_000);
      const day = deadline.toISOString().slice(0, 10);
      await page.getByRole("textbox", { name: "Deadline", exact: true }).fill(day);
      await page.getByRole("button", { name: "Launch and mail the Vendor Managers" }).click();
      await page.getByText("Spring account audit").waitFor();
      const mail = await h.smtp.waitFor(vm.email, /Account audit for Northlight Post/);
      assert.match(mail.text, /Finn Forgotten/);

      await actAs(vm);
      await page.goto(`${h.baseUrl}/governance/campaigns`);
      await page.getByRole("link", { name: "Review" }).click();
      await page.getByRole("button", { name: "Keep Otto Operator" }).click();
      await page.getByRole("row", { name: "Otto Operator" }).getByText("keep").waitFor();
      await page.getByRole("button", { name: `Keep ${INVITEE.name}` }).click();
      await page.getByRole("row", { name: INVITEE.name }).getByText("keep").waitFor();
      // the Vendor Manager's own line is the studio's
      await page.getByRole("row", { name: "Maren Holt" }).getByText("Reviewed by the studio").waitFor();
      await h.screenshot("gov-02-review");
      await actAs(admin);
      await page.goto(`${h.baseUrl}/governance/campaigns`);
      await page.getByRole("link", { name: "Review" }).click();
      await page.getByRole("button", { name: "Keep Maren Holt" }).click();
      await page.getByRole("row", { name: "Maren Holt" }).getByText("keep").waitFor();

      // the deadline passes (the browser reads the date in its own zone: go a day past it)
      h.clock.set(new Date(deadline.getTime() + 2 * 86_400_000));
      await processCampaigns(h.ctx);
      assert.equal((await getPerson(h.database.db, forgotten.id)).status, "suspended");
      assert.equal((await getPerson(h.database.db, operator.id)).status, "active");

      await actAs(vm);
      await page.goto(`${h.baseUrl}/governance/campaigns`);
      await page.getByText("1 suspended").waitFor();
      await page.getByRole("link", { name: "Review" }).click();
      await page
        .getByRole("row", { name: "Finn Forgotten" })
        .getByText("suspended at the deadline")
        .waitFor();
      await h.screenshot("gov-03-after-deadline");
    });
  });

  test("a deactivation kills a live session", async (t) => {
    await h.guard(t, async () => {
      await actAs(operator);
      await page.goto(`${h.baseUrl}/`);
      await expectHome(page, operator.name);
      await submitRequest(h.ctx, callerOf(vm), {
        kind: "deactivate",
        userId: operator.id,
        reason: "staff_exit",
      });
      // the open page's next request is refused: the session ended with the deactivation
      await page.reload();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      const session = await page.evaluate(async () => (await fetch("/api/auth/session")).json());
      assert.equal(session.user ?? null, null);
    });
  });
});
