import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { csvCell, csvRow } from "../audit-log/csv.ts";
import { canonicalEmail, matchRoleAddress } from "./email-address.ts";
import { calendarDate, type MfaPolicyInput, mfaEnrolmentDecision } from "./enrolment-policy.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.ts";
import { delayAfter, THROTTLE } from "./throttle.ts";

describe("MFA enrolment policy", () => {
  const base: MfaPolicyInput = {
    user: { partnerId: "p1", roles: ["operator"], preExisting: true },
    partner: { mfaEnforcementDate: "2026-04-01" },
    factorCount: 0,
    now: new Date("2026-03-15T12:00:00Z"),
    timeZone: "UTC",
  };
  test("a pre-existing partner account is urged before the date and must enrol from it", () => {
    assert.equal(mfaEnrolmentDecision(base), "urged");
    assert.equal(mfaEnrolmentDecision({ ...base, now: new Date("2026-04-01T00:00:00Z") }), "must-enrol");
  });
  test("the date is read in the studio time zone", () => {
    // 06:00 UTC on April 1 is 23:00 on March 31 in Los Angeles (UTC-7 in summer time)
    const now = new Date("2026-04-01T06:00:00Z");
    assert.equal(calendarDate(now, "America/Los_Angeles"), "2026-03-31");
    assert.equal(mfaEnrolmentDecision({ ...base, now, timeZone: "America/Los_Angeles" }), "urged");
    assert.equal(mfaEnrolmentDecision({ ...base, now, timeZone: "UTC" }), "must-enrol");
  });
  test("new accounts always enrol at once, whatever the partner's date", () => {
    assert.equal(mfaEnrolmentDecision({ ...base, user: { ...base.user, preExisting: false } }), "must-enrol");
  });
  test("no enforcement date means MFA now (a date only defers it)", () => {
    assert.equal(mfaEnrolmentDecision({ ...base, partner: { mfaEnforcementDate: null } }), "must-enrol");
    assert.equal(mfaEnrolmentDecision({ ...base, partner: null }), "must-enrol");
  });
  test("studio staff must enrol: no grace for admins or auditors", () => {
    assert.equal(
      mfaEnrolmentDecision({
        ...base,
        user: { partnerId: null, roles: ["studio_admin"], preExisting: true },
      }),
      "must-enrol",
    );
    assert.equal(
      mfaEnrolmentDecision({
        ...base,
        user: { partnerId: null, roles: ["security_auditor"], preExisting: true },
      }),
      "must-enrol",
    );
  });
  test("one factor: urged to add a second; two: ok", () => {
    assert.equal(mfaEnrolmentDecision({ ...base, factorCount: 1 }), "enrolled-one-factor-urge-second");
    assert.equal(mfaEnrolmentDecision({ ...base, factorCount: 2 }), "ok");
  });
});

describe("email addresses", () => {
  test("canonical form: lower case, sub-address tag removed", () => {
    assert.equal(canonicalEmail("  Jane.Doe+QC@Vendor-A.example "), "jane.doe@vendor-a.example");
    assert.equal(canonicalEmail("jane.doe@vendor-a.example"), "jane.doe@vendor-a.example");
  });
  test("role and group local parts are recognised, people's addresses are not", () => {
    const refused = [
      "ops",
      "qc",
      "qc-team",
      "qc.team",
      "dataio",
      "data-io",
      "dl-audio",
      "grp-verifiers",
      "audio-team",
      "all",
      "support",
      "noreply",
      "night-shift",
      "operators",
      "ops2",
      "info+x",
    ];
    for (const local of refused) assert.ok(matchRoleAddress(`${local}@p.example`), local);
    const people = ["jane.doe", "jdoe", "priya.raman", "t.okafor", "kenji", "maria-jose.garcia"];
    for (const local of people) assert.equal(matchRoleAddress(`${local}@p.example`), null, local);
    assert.equal(matchRoleAddress("colour-room@p.example", ["colour-*"]), "colour-*");
  });
});

describe("passwords", () => {
  test("length 12..128 code points after NFKC", () => {
    assert.match(passwordProblem("eleven char") ?? "", /at least 12/);
    assert.equal(passwordProblem("twelve chars"), null);
    assert.equal(passwordProblem("🎧".repeat(4) + "abcdefgh"), null, "emoji count as one character each");
    assert.match(passwordProblem("x".repeat(100) + "y".repeat(29)) ?? "", /at most 128/);
  });
  test("common passwords and passwords built on them are refused", () => {
    for (const p of [
      "password1234",
      "Password2024!",
      "123456789012",
      "qwertyuiop12",
      "sunshine2026!!",
      "aaaaaaaaaaaa",
      "abcabcabcabc",
      "iloveyouiloveyou",
      "1q2w3e4r5t6y",
    ]) {
      assert.ok(passwordProblem(p), p);
    }
  });
  test("the user's name, email and the service name are refused inside a password", () => {
    const ctx = {
      email: "priya.raman@northlightpost.example",
      name: "Priya Raman",
      words: ["Northlight Post"],
    };
    assert.ok(passwordProblem("priya loves mixing", ctx));
    assert.ok(passwordProblem("mixing at northlight", ctx));
    assert.ok(passwordProblem("my loupe account key"));
    assert.equal(passwordProblem("mixing desk at midnight", ctx), null);
  });
  test("argon2id hashes verify, and NFKC makes equivalent forms match", async () => {
    const h = await hashPassword("ｆｕｌｌｗｉｄｔｈ ｐａｓｓ");
    assert.match(h, /^\$argon2id\$/);
    assert.equal(await verifyPassword(h, "fullwidth pass"), true);
    assert.equal(await verifyPassword(h, "fullwidth pas"), false);
  });
});

describe("throttle delays", () => {
  test("free attempts, then 1 s doubling, capped at 15 min", () => {
    assert.equal(delayAfter(4, THROTTLE.accountFree), 0);
    assert.equal(delayAfter(5, THROTTLE.accountFree), 1000);
    assert.equal(delayAfter(6, THROTTLE.accountFree), 2000);
    assert.equal(delayAfter(15, THROTTLE.accountFree), 15 * 60_000);
    assert.equal(delayAfter(99, THROTTLE.accountFree), 15 * 60_000);
  });
});

describe("CSV", () => {
  test("RFC 4180 quoting and formula defusing", () => {
    assert.equal(csvCell('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
    for (const f of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      assert.ok(csvCell(f).replace(/^"/, "").startsWith("'"), f);
    assert.equal(csvCell(null), "");
    assert.equal(csvCell(new Date("2026-01-01T00:00:00Z")), "2026-01-01T00:00:00.000Z");
    assert.equal(csvCell({ a: 1 }), '"{""a"":1}"');
    assert.equal(csvRow(["a", "b,c"]), 'a,"b,c"\r\n');
  });
});
