import assert from "node:assert/strict";
import { test } from "node:test";
import { type Biquad, kWeightingCoefficients } from "./k-weighting.ts";

/** AUDIO.md §1.2: BS.1770 table at 48 kHz and the values the analog-prototype derivation gives. */
const TABLE: Record<number, { shelf: number[]; highPass: number[] }> = {
  44100: {
    shelf: [1.53084123005035, -2.65097999515473, 1.16907907992159, -1.66365511325602, 0.71259542807323],
    highPass: [-1.9891696736298, 0.98919903578704],
  },
  48000: {
    shelf: [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585],
    highPass: [-1.99004745483398, 0.99007225036621],
  },
  96000: {
    shelf: [1.5597142289758, -2.92674157825108, 1.37826120231582, -1.84460946989011, 0.85584332293064],
    highPass: [-1.99501754472472, 0.99502375904092],
  },
};

test("K-weighting coefficients match the BS.1770 table (48 kHz) and the derived 44.1/96 kHz sets", () => {
  for (const [fs, want] of Object.entries(TABLE)) {
    const c = kWeightingCoefficients(Number(fs));
    const got = [c.shelf.b0, c.shelf.b1, c.shelf.b2, c.shelf.a1, c.shelf.a2];
    for (const [i, v] of got.entries())
      assert.ok(Math.abs(v - want.shelf[i]) < 1e-13, `${fs} shelf[${i}] ${v}`);
    assert.deepEqual([c.highPass.b0, c.highPass.b1, c.highPass.b2], [1, -2, 1]);
    assert.ok(Math.abs(c.highPass.a1 - want.highPass[0]) < 1e-13, `${fs} hp a1`);
    assert.ok(Math.abs(c.highPass.a2 - want.highPass[1]) < 1e-13, `${fs} hp a2`);
  }
});

function gainDb(b: Biquad, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const re = (c0: number, c1: number, c2: number) => c0 + c1 * Math.cos(w) + c2 * Math.cos(2 * w);
  const im = (c1: number, c2: number) => -c1 * Math.sin(w) - c2 * Math.sin(2 * w);
  const num = Math.hypot(re(b.b0, b.b1, b.b2), im(b.b1, b.b2));
  const den = Math.hypot(re(1, b.a1, b.a2), im(b.a1, b.a2));
  return 20 * Math.log10(num / den);
}

// The bilinear transform warps the shelf slightly differently per rate: 0.6910 dB at 48 kHz, 0.6938 at 44.1,
// 0.6737 at 96 and 0.6639 at 192 kHz (libebur128, ffmpeg and the Rust crate share this behaviour).
test("the K-filter gain at 997 Hz is +0.691 dB at every rate (what the -0.691 offset cancels)", () => {
  for (const fs of [44100, 48000, 96000, 192000, 69313]) {
    const c = kWeightingCoefficients(fs);
    const g = gainDb(c.shelf, 997, fs) + gainDb(c.highPass, 997, fs);
    assert.ok(Math.abs(g - 0.691) < (fs === 48000 ? 0.0001 : 0.03), `${fs}: ${g}`);
  }
});
