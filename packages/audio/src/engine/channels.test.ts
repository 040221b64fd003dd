import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyse } from "../test-support/analyse.ts";
import { pinkNoise, toneSegments } from "../test-support/signals.ts";
import { channelWeight, isLfe, standardLayout } from "./channels.ts";

describe("BS.1770-5 channel weights", () => {
  test("Table 3 and Annex 3: fronts 1.0, M+-090/110 surrounds 1.41, M+-135 rears 1.0, LFE excluded", () => {
    for (const l of ["L", "R", "C", "M", "Lrs", "Rrs", "Cs", "Ltf", "Rtf", "Ltr", "Rtr", "Tc"]) {
      assert.equal(channelWeight(l), 1.0, l);
    }
    for (const l of ["Ls", "Rs", "Lss", "Rss", "Lw", "Rw"]) assert.equal(channelWeight(l), 1.41, l);
    assert.equal(channelWeight("LFE"), 0);
    assert.equal(channelWeight("LFE2"), 0);
    assert.ok(isLfe("LFE"));
    assert.deepEqual(standardLayout(6), ["L", "R", "C", "LFE", "Ls", "Rs"]);
    assert.deepEqual(standardLayout(8), ["L", "R", "C", "LFE", "Lss", "Rss", "Lrs", "Rrs"]);
    assert.deepEqual(standardLayout(1), ["M"]);
  });

  test("5.1: a loud LFE does not change loudness (but counts for true peak)", async () => {
    const fs = 48000;
    const bed = (seed: number) => pinkNoise(5 * fs, 0.05, seed);
    const chans = [bed(1), bed(2), bed(3), new Float64Array(5 * fs), bed(5), bed(6)];
    const layout = standardLayout(6);
    const quiet = await analyse(chans, fs, layout);
    chans[3] = toneSegments(fs, 50, [{ seconds: 5, dbfs: -0.5 }]);
    const loud = await analyse(chans, fs, layout, { threads: 2 });
    assert.equal(loud.integratedLufs, quiet.integratedLufs);
    assert.deepEqual(loud.stepEnergies, quiet.stepEnergies);
    assert.ok((loud.channels[3].truePeakDbtp ?? -99) > -1);
    assert.equal(loud.truePeakDbtp, loud.channels[3].truePeakDbtp);
  });

  test("7.1: Lss/Rss weigh 1.41 (+1.49 dB), Lrs/Rrs 1.0", async () => {
    const fs = 48000;
    const x = toneSegments(fs, 1000, [{ seconds: 3, dbfs: -20 }]);
    const silent = new Float64Array(x.length);
    const layout = standardLayout(8);
    const only = async (label: string) => {
      const chans = layout.map((l) => (l === label ? x : silent));
      return (await analyse(chans, fs, layout)).integratedLufs ?? Number.NaN;
    };
    const front = await only("L");
    const side = await only("Lss");
    const rear = await only("Rrs");
    assert.ok(Math.abs(side - front - 10 * Math.log10(1.41)) < 1e-9, `side ${side - front}`);
    assert.ok(Math.abs(rear - front) < 1e-9, `rear ${rear - front}`);
  });
});
