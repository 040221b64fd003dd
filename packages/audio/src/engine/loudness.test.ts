import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyse } from "../test-support/analyse.ts";
import { INT24 } from "../test-support/pcm.ts";
import { dbToAmp, pinkNoise, toneSegments } from "../test-support/signals.ts";
import { gatedLoudness, loudnessOf, loudnessRange } from "./loudness.ts";

/** The float next to x in the given direction. */
function nextFloat(x: number, up: boolean): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] += up === x > 0 ? 1n : -1n;
  return b[0];
}

/** Scans `count` floats either side of x for one where pred holds. */
function scanFloats(x: number, count: number, pred: (e: number) => boolean): number | null {
  let lo = x;
  let hi = x;
  for (let k = 0; k <= count; k++) {
    if (pred(hi)) return hi;
    if (pred(lo)) return lo;
    hi = nextFloat(hi, true);
    lo = nextFloat(lo, false);
  }
  return null;
}

/** A mean square whose computed loudness is exactly `lufs`, if a float near the formula gives it. */
function energyAt(lufs: number): number | null {
  return scanFloats(10 ** ((lufs - -0.691) / 10), 500, (e) => loudnessOf(e) === lufs);
}

describe("BS.1770 gating at exact thresholds (strict >)", () => {
  test("a block at exactly -70 LUFS is excluded by the absolute gate", () => {
    const at = energyAt(-70);
    assert.ok(at !== null, "no float reads exactly -70 LUFS");
    assert.equal(gatedLoudness([at, at, at]), -Infinity);
    const above = scanFloats(at, 500, (e) => loudnessOf(e) > -70);
    assert.ok(above !== null);
    assert.equal(gatedLoudness([above, at]), loudnessOf(above));
  });

  test("a block at exactly the relative threshold is excluded", () => {
    // nine blocks at `loud` and one at exactly (energy mean of all ten) - 10 LU
    let found: { loud: number; quiet: number } | null = null;
    for (let k = 0; k < 200 && !found; k++) {
      const loud = 10 ** (-(20 + k * 0.0137) / 10);
      const quiet = scanFloats(loud / 11, 300, (q) => loudnessOf(q) === loudnessOf((9 * loud + q) / 10) - 10);
      if (quiet !== null) found = { loud, quiet };
    }
    assert.ok(found, "could not construct the edge case");
    const { loud, quiet } = found;
    // strict: the quiet block is out, so I is the loud level; with >= it would be lower
    assert.equal(gatedLoudness([...Array(9).fill(loud), quiet]), loudnessOf(loud));
    const louder = scanFloats(quiet, 300, (q) => loudnessOf(q) > loudnessOf((9 * loud + q) / 10) - 10);
    assert.ok(louder !== null);
    assert.ok(gatedLoudness([...Array(9).fill(loud), louder]) < loudnessOf(loud));
  });

  test("no blocks, or all silent: -Infinity", () => {
    assert.equal(gatedLoudness([]), -Infinity);
    assert.equal(gatedLoudness([0, 0]), -Infinity);
  });
});

describe("loudness range (Tech 3342)", () => {
  test("percentiles at round((n-1)p) of the sorted gated values", () => {
    // 21 short-term values from -30 to -10 LUFS in 1 LU steps: low = v[2] = -28, high = v[19] = -11
    const values = Array.from({ length: 21 }, (_, i) => 10 ** ((-30 + i + 0.691) / 10));
    const lra = loudnessRange(values);
    assert.ok(lra !== null && Math.abs(lra - 17) < 1e-9, `LRA ${lra}`);
  });

  test("relative gate at -20 LU and absolute gate at -70 drop quiet values", () => {
    const at = (lufs: number) => 10 ** ((lufs + 0.691) / 10);
    assert.equal(loudnessRange([...Array(10).fill(at(-20)), ...Array(10).fill(at(-45))]), 0);
    assert.equal(loudnessRange(Array(5).fill(at(-80))), null);
  });
});

describe("analyzer results", () => {
  test("digital silence: every loudness and peak is null, series are -Infinity", async () => {
    const fs = 48000;
    const r = await analyse([new Float64Array(5 * fs), new Float64Array(5 * fs)], fs, ["L", "R"], {
      encoding: INT24,
    });
    assert.equal(r.frames, 5 * fs);
    assert.equal(r.integratedLufs, null);
    assert.equal(r.loudnessRangeLu, null);
    assert.equal(r.maxMomentaryLufs, null);
    assert.equal(r.maxShortTermLufs, null);
    assert.equal(r.truePeakDbtp, null);
    assert.equal(r.samplePeakDbfs, null);
    assert.deepEqual(
      r.channels.map((c) => [c.truePeakDbtp, c.samplePeakDbfs]),
      [
        [null, null],
        [null, null],
      ],
    );
    assert.equal(r.stepEnergies.length, 50);
    assert.ok(r.momentarySeries.every((v) => v === -Infinity));
  });

  test("shorter than one 400 ms block: no loudness, peaks still measured", async () => {
    const fs = 44100;
    const x = toneSegments(fs, 1000, [{ seconds: 0.35, dbfs: -6 }]);
    const r = await analyse([x, x], fs, ["L", "R"], { encoding: INT24 });
    assert.equal(r.integratedLufs, null);
    assert.equal(r.maxMomentaryLufs, null);
    assert.equal(r.maxShortTermLufs, null);
    assert.equal(r.loudnessRangeLu, null);
    assert.ok(r.samplePeakDbfs !== null && Math.abs(r.samplePeakDbfs + 6) < 0.01);
    assert.ok(r.truePeakDbtp !== null && Math.abs(r.truePeakDbtp + 6) < 0.1);
    assert.equal(r.stepEnergies.length, 3);
  });

  test("stepEnergies: weighted K-weighted mean square per (fs + 5) / 10 samples; M = mean of 4", async () => {
    const fs = 44100;
    const x = pinkNoise(3 * fs + 1000, 0.1, 3);
    const r = await analyse([x], fs, ["C"], { chunkFrames: 12345 });
    assert.equal(r.stepEnergies.length, Math.floor(x.length / 4410));
    for (let k = 3; k < r.stepEnergies.length; k++) {
      const m =
        (r.stepEnergies[k - 3] + r.stepEnergies[k - 2] + r.stepEnergies[k - 1] + r.stepEnergies[k]) / 4;
      assert.ok(Math.abs(loudnessOf(m) - r.momentarySeries[k]) < 1e-9);
    }
    // a 997 Hz sine at 0 dBFS in one front channel reads -3.01 LKFS (BS.1770 Annex 1)
    const sine = toneSegments(48000, 997, [{ seconds: 2, dbfs: 0 }]);
    const s = await analyse([sine], 48000, ["C"]);
    assert.ok(s.integratedLufs !== null && Math.abs(s.integratedLufs + 3.01) < 0.01, `${s.integratedLufs}`);
  });

  test("max momentary uses a 10 ms hop: a 400 ms burst 50 ms off the 100 ms grid reads full level", async () => {
    const fs = 48000;
    const x = toneSegments(fs, 1000, [
      { seconds: 0.05, dbfs: -Infinity },
      { seconds: 0.4, dbfs: -23 },
      { seconds: 1, dbfs: -Infinity },
    ]);
    const r = await analyse([x, x], fs, ["L", "R"]);
    assert.ok(
      r.maxMomentaryLufs !== null && Math.abs(r.maxMomentaryLufs + 23) < 0.02,
      `${r.maxMomentaryLufs}`,
    );
    // on the 100 ms series alone the best window holds only 350 ms of the burst
    const best = Math.max(...r.momentarySeries);
    assert.ok(best < -23.5, `${best}`);
  });

  test("levels are independent of the encoding (float vs 24-bit within quantisation)", async () => {
    const fs = 48000;
    const x = pinkNoise(4 * fs, dbToAmp(-20), 9);
    const a = await analyse([x, x], fs, ["L", "R"]);
    const b = await analyse([x, x], fs, ["L", "R"], { encoding: INT24 });
    assert.ok(Math.abs((a.integratedLufs ?? 0) - (b.integratedLufs ?? 1)) < 1e-4);
  });
});
