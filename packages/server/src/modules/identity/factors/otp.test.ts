import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkTotp, groupBase32, type OtpParams, otpAt, timeStep } from "./otp.ts";
import type { OtpAlgorithm } from "./schema.ts";

// RFC 6238 Appendix B: ASCII seeds, 8 digits, T0 = 0, X = 30 (IDENTITY.md §2.3)
const seeds: Record<OtpAlgorithm, string> = {
  SHA1: "12345678901234567890",
  SHA256: "12345678901234567890123456789012",
  SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
};
const vectors: [number, Record<OtpAlgorithm, string>][] = [
  [59, { SHA1: "94287082", SHA256: "46119246", SHA512: "90693936" }],
  [1111111109, { SHA1: "07081804", SHA256: "68084774", SHA512: "25091201" }],
  [1111111111, { SHA1: "14050471", SHA256: "67062674", SHA512: "99943326" }],
  [1234567890, { SHA1: "89005924", SHA256: "91819424", SHA512: "93441116" }],
  [2000000000, { SHA1: "69279037", SHA256: "90698825", SHA512: "38618901" }],
  [20000000000, { SHA1: "65353130", SHA256: "77737706", SHA512: "47863826" }],
];
const params = (algorithm: OtpAlgorithm, digits = 8): OtpParams => ({
  secret: new TextEncoder().encode(seeds[algorithm]),
  digits,
  period: 30,
  algorithm,
});
const at = (seconds: number) => new Date(seconds * 1000);

describe("TOTP verification (RFC 6238)", () => {
  for (const [t, codes] of vectors) {
    for (const algorithm of ["SHA1", "SHA256", "SHA512"] as const) {
      test(`RFC 6238 vector ${algorithm} at T=${t} is accepted at its own step`, () => {
        const result = checkTotp(params(algorithm), codes[algorithm], at(t), null);
        assert.deepEqual(result, { ok: true, step: Math.floor(t / 30) });
      });
    }
  }

  test("RFC 4226 HOTP vectors (6 digits, counters 0-9)", () => {
    const expected = "755224 287082 359152 969429 338314 254676 287922 162583 399871 520489".split(" ");
    const p = params("SHA1", 6);
    assert.deepEqual(
      expected.map((_, counter) => otpAt(p, counter)),
      expected,
    );
  });

  test("the previous step's code is accepted, the next step's code is refused", () => {
    const p = params("SHA1");
    const now = at(1111111111);
    const step = timeStep(now, 30);
    assert.deepEqual(checkTotp(p, otpAt(p, step - 1), now, null), { ok: true, step: step - 1 });
    assert.deepEqual(checkTotp(p, otpAt(p, step + 1), now, null), { ok: false, reason: "wrong_code" });
    assert.deepEqual(checkTotp(p, otpAt(p, step - 2), now, null), { ok: false, reason: "wrong_code" });
  });

  test("a code is accepted once: its step, or an earlier one, is a replay", () => {
    const p = params("SHA256");
    const now = at(2000000000);
    const first = checkTotp(p, "90698825", now, null);
    assert.equal(first.ok, true);
    const lastUsed = first.ok ? first.step : 0;
    assert.deepEqual(checkTotp(p, "90698825", now, lastUsed), { ok: false, reason: "replayed" });
    // the previous step's code after the current one was used is stale, refused as a replay too
    assert.deepEqual(checkTotp(p, otpAt(p, lastUsed - 1), now, lastUsed), { ok: false, reason: "replayed" });
    // the next step's code becomes valid once its time comes
    assert.equal(checkTotp(p, otpAt(p, lastUsed + 1), at(2000000000 + 30), lastUsed).ok, true);
  });

  test("spaces and dashes in a typed code are ignored; wrong length is refused", () => {
    const p = params("SHA1");
    assert.equal(checkTotp(p, "9428 7082", at(59), null).ok, true);
    assert.equal(checkTotp(p, "4287082", at(59), null).ok, false);
  });

  test("base32 is shown in groups of four", () => {
    assert.equal(groupBase32("GEZDGNBVGY3TQOJQ"), "GEZD GNBV GY3T QOJQ");
  });
});
