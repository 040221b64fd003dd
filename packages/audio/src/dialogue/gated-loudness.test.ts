import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dialogueGatedLoudness } from "./gated-loudness.ts";

/** the step energy of a loudness in LKFS */
const energy = (lkfs: number) => 10 ** ((lkfs + 0.691) / 10);

describe("dialogueGatedLoudness", () => {
  test("energy mean over speech steps only, BS.1770-1 style (no relative gate)", () => {
    const e = Float64Array.from([energy(-20), energy(-30), energy(-40), energy(-10)]);
    const r = dialogueGatedLoudness(e, { stepFlags: Uint8Array.from([1, 1, 1, 0]), speechIntervals: [] });
    const expected = -0.691 + 10 * Math.log10((energy(-20) + energy(-30) + energy(-40)) / 3);
    assert.ok(Math.abs((r.dialogueGatedLufs as number) - expected) < 1e-9);
    assert.equal(r.speechPercent, 75);
  });
  test("steps at or below -70 LKFS are left out of the mean but count as speech", () => {
    const e = Float64Array.from([energy(-27), energy(-70), 0, energy(-27)]);
    const r = dialogueGatedLoudness(e, { stepFlags: Uint8Array.from([1, 1, 1, 0]), speechIntervals: [] });
    assert.ok(Math.abs((r.dialogueGatedLufs as number) + 27) < 1e-9);
    assert.equal(r.speechPercent, 75);
  });
  test("null without speech; exactly 15 % is 15", () => {
    const e = new Float64Array(1000).fill(energy(-24));
    assert.equal(
      dialogueGatedLoudness(e, { stepFlags: new Uint8Array(1000), speechIntervals: [] }).dialogueGatedLufs,
      null,
    );
    const flags = new Uint8Array(1000);
    flags.fill(1, 0, 150);
    assert.equal(dialogueGatedLoudness(e, { stepFlags: flags, speechIntervals: [] }).speechPercent, 15);
  });
  test("intervals are clipped to the measured steps", () => {
    const r = dialogueGatedLoudness(new Float64Array(10).fill(energy(-20)), {
      stepFlags: new Uint8Array(10),
      speechIntervals: [
        { startSeconds: 0.5, endSeconds: 1.3 },
        { startSeconds: 1.2, endSeconds: 2 },
      ],
    });
    assert.deepEqual(r.speechIntervals, [{ startSeconds: 0.5, endSeconds: 1 }]);
  });
});
