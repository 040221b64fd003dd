import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { exactTruePeak } from "../test-support/exact-peak.ts";
import { applyFades, bandLimitedNoise, pinkNoise, rng, whiteNoise } from "../test-support/signals.ts";
import { type TruePeakFilterKind, TruePeakMeter, type TruePeakVariant } from "./true-peak.ts";
import {
  highPrecisionMeasuringFilter,
  highPrecisionSearchFilter,
  ituAnnex2Filter,
} from "./true-peak-filters.ts";

const db = (v: number) => 20 * Math.log10(v);

function measure(
  x: Float64Array,
  fs: number,
  kind: TruePeakFilterKind,
  variant: TruePeakVariant = {},
  thresholdDb = -1,
  chunk = 4096,
): TruePeakMeter {
  const m = new TruePeakMeter(kind, fs, 10 ** (thresholdDb / 20), Math.round(0.01 * fs), variant);
  for (let p = 0; p < x.length; p += chunk) {
    const n = Math.min(chunk, x.length - p);
    m.push(x.subarray(p, p + n), n);
  }
  m.finish();
  return m;
}

function snapshot(m: TruePeakMeter) {
  return { samplePeak: m.samplePeak, truePeak: m.truePeak, overs: m.overs.map((o) => ({ ...o })) };
}

/** Noise whose level jumps around (quiet, loud, silent, bursts near full scale): exercises every bound. */
function restlessSignal(length: number, seed: number): Float64Array {
  const r = rng(seed);
  const x = whiteNoise(length, 1, seed + 100);
  let n = 0;
  while (n < length) {
    const len = Math.floor(200 + r() * 3000);
    const level = r() < 0.15 ? 0 : 10 ** ((-60 + 60 * r()) / 20) / 3;
    for (let k = n; k < Math.min(length, n + len); k++) x[k] *= level;
    n += len;
  }
  // bass and DC offsets: the centred bounds must stay exact when blocks are far from zero mean
  for (let k = 0; k < length; k++)
    x[k] += 0.25 * Math.sin((2 * Math.PI * k) / 1500) + (k > length / 2 ? 0.1 : 0);
  for (let k = 0; k < 6; k++) x[Math.floor(r() * length)] = r() < 0.5 ? 0.99 : -0.97;
  return x;
}

describe("true-peak filters", () => {
  test("Annex 2 table: mirrored phases, pruning gain 2.023", () => {
    const f = ituAnnex2Filter();
    assert.equal(f.phaseCount, 4);
    assert.equal(f.tapsPerPhase, 12);
    for (let i = 0; i < 12; i++) {
      assert.equal(f.phases[0][i], f.phases[3][11 - i]);
      assert.equal(f.phases[1][i], f.phases[2][11 - i]);
    }
    assert.ok(Math.abs(f.gain - 2.023) < 0.001, `gain ${f.gain}`);
  });

  test("high-precision designs: phase 0 is the identity, unity DC gain on every phase", () => {
    for (const f of [highPrecisionSearchFilter(), highPrecisionMeasuringFilter()]) {
      assert.equal(f.phaseCount, 32);
      assert.equal(f.phases[0][f.tapsPerPhase / 2], 1);
      for (const ph of f.phases) {
        const dc = ph.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(dc - 1) < 1e-12, `dc ${dc}`);
      }
    }
  });
});

describe("exact pruning and unrolled kernels: bit-identical to the plain computation", () => {
  const cases: [number, TruePeakFilterKind][] = [
    [48000, "reference"],
    [44100, "reference"],
    [96000, "reference"],
    [192000, "reference"],
    [48000, "high-precision"],
    [96000, "high-precision"],
  ];
  for (const [fs, kind] of cases) {
    test(`${kind} at ${fs} Hz`, () => {
      for (let seed = 1; seed <= 3; seed++) {
        const x = restlessSignal(40000, seed);
        const plainMeter = measure(x, fs, kind, { prune: false, unrolled: false });
        const plain = snapshot(plainMeter);
        const pruned = measure(x, fs, kind);
        assert.ok(
          pruned.computed < 0.6 * plainMeter.computed,
          `pruning skipped too little: ${pruned.computed} of ${plainMeter.computed}`,
        );
        assert.ok(plain.overs.length > 0, "the signal must produce overs");
        for (const variant of [{}, { prune: false }, { unrolled: false }] as TruePeakVariant[]) {
          assert.deepEqual(snapshot(measure(x, fs, kind, variant)), plain, JSON.stringify(variant));
        }
        // chunking does not matter either
        assert.deepEqual(snapshot(measure(x, fs, kind, {}, -1, 997)), plain, "chunks of 997");
        // a threshold above the peak: no overs, same peak
        const high = measure(x, fs, kind, {}, 6);
        assert.equal(high.overs.length, 0);
        assert.equal(high.truePeak, plain.truePeak);
      }
    });
  }
});

describe("smooth-signal bound (bass-heavy material)", () => {
  /** Brown noise (integrated white noise, leaky) with a few spikes: small differences, large values. */
  function brownNoise(length: number, seed: number): Float64Array {
    const w = whiteNoise(length, 1, seed);
    const x = new Float64Array(length);
    let acc = 0;
    for (let k = 0; k < length; k++) {
      acc = 0.999 * acc + w[k];
      x[k] = acc;
    }
    let max = 0;
    for (const v of x) max = Math.max(max, Math.abs(v));
    for (let k = 0; k < length; k++) x[k] *= 0.8 / max;
    x[Math.floor(length / 3)] = 0.99;
    return x;
  }

  for (const kind of ["reference", "high-precision"] as const) {
    for (const fs of [48000, 96000]) {
      test(`${kind} on brown noise at ${fs} Hz: bit-identical to the unpruned meter, most samples skipped`, () => {
        for (let seed = 1; seed <= 3; seed++) {
          const x = brownNoise(60000, seed);
          const plainMeter = measure(x, fs, kind, { prune: false, unrolled: false });
          const pruned = measure(x, fs, kind);
          assert.deepEqual(snapshot(pruned), snapshot(plainMeter));
          assert.deepEqual(snapshot(measure(x, fs, kind, {}, -1, 997)), snapshot(plainMeter));
          assert.ok(
            pruned.computed < 0.02 * plainMeter.computed,
            `computed ${pruned.computed} of ${plainMeter.computed}`,
          );
        }
      });
    }
  }
});

describe("true-peak accuracy against the exact band-limited (sinc) interpolation at 64x", () => {
  const fs = 48000;
  const LENGTH = 6000;

  test("the exact reference reads a tone's amplitude where its samples miss the peak", () => {
    for (const [freq, phase] of [
      [0.23, 0.7],
      [0.25, Math.PI / 4],
      [0.49, 0.3],
    ]) {
      const x = new Float64Array(LENGTH);
      for (let n = 0; n < LENGTH; n++) x[n] = 0.5 * Math.sin(2 * Math.PI * freq * n + phase);
      applyFades(x, 1500);
      let samplePeak = 0;
      for (const v of x) samplePeak = Math.max(samplePeak, Math.abs(v));
      const exact = exactTruePeak(x);
      assert.ok(Math.abs(db(exact) - db(0.5)) < 0.003, `${freq} fs: ${db(exact)} dB`);
      // at fs/4 with a 45-degree phase every sample sits 3 dB below the peak
      if (freq === 0.25) assert.ok(db(samplePeak) < db(0.5) - 2.9, "the samples must miss the peak");
    }
  });

  /** Broadband test material, faded in and out; "full band" has energy right up to Nyquist. */
  const brown = (seed: number) => {
    const w = whiteNoise(LENGTH, 1, seed);
    const x = new Float64Array(LENGTH);
    for (let k = 0, a = 0; k < LENGTH; k++) x[k] = a = 0.998 * a + 0.05 * w[k];
    return x;
  };
  const materials: Record<string, (seed: number) => Float64Array> = {
    "white, full band": (seed) => whiteNoise(LENGTH, 0.1, seed),
    "pink, full band": (seed) => pinkNoise(LENGTH, 0.1, seed),
    "brown, full band": brown,
    "white, band-limited 0.48 fs": (seed) => bandLimitedNoise(LENGTH, 0.1, seed, "white", 0.48),
    "white, band-limited 0.45 fs": (seed) => bandLimitedNoise(LENGTH, 0.1, seed, "white", 0.45),
    "pink, band-limited 0.45 fs": (seed) => bandLimitedNoise(LENGTH, 0.1, seed, "pink", 0.45),
  };

  test("high-precision within 0.05 dB on broadband noise, full band included; the Annex 2 filter's error reported", (t) => {
    for (const [name, make] of Object.entries(materials)) {
      const errors: Record<TruePeakFilterKind, number[]> = { reference: [], "high-precision": [] };
      for (let seed = 1; seed <= 6; seed++) {
        const x = applyFades(make(seed), 480);
        const exact = db(exactTruePeak(x));
        for (const kind of ["reference", "high-precision"] as const) {
          errors[kind].push(db(measure(x, fs, kind).truePeak) - exact);
        }
      }
      const hp = errors["high-precision"];
      const worst = Math.max(...hp.map(Math.abs));
      assert.ok(worst <= 0.05, `${name}: high-precision errs by ${worst.toFixed(4)} dB`);
      // the Annex 2 filter droops to -0.69 dB at Nyquist; on band-limited material it stays in its bounds
      const ref = errors.reference;
      if (name.includes("0.45"))
        assert.ok(Math.min(...ref) > -0.7 && Math.max(...ref) < 0.3, `${name}: ${ref}`);
      const range = (a: number[]) => `${Math.min(...a).toFixed(4)}..${Math.max(...a).toFixed(4)} dB`;
      t.diagnostic(`${name}: high-precision ${range(hp)}, reference (Annex 2) ${range(ref)}`);
    }
  });

  test("high-precision within 0.05 dB on short tone bursts up to 0.48 fs, where the search filter droops", () => {
    for (const freq of [0.3, 0.45, 0.47, 0.475, 0.48]) {
      for (const phase of [0.1, 0.9, 1.7, 2.5]) {
        const x = new Float64Array(2000);
        for (let n = 700; n < 1300; n++) x[n] = 0.7 * Math.sin(2 * Math.PI * freq * n + phase);
        applyFades(x.subarray(700, 1300), 100);
        const e = db(measure(x, fs, "high-precision").truePeak) - db(exactTruePeak(x));
        assert.ok(Math.abs(e) <= 0.05, `${freq} fs, phase ${phase}: ${e.toFixed(4)} dB`);
      }
    }
  });

  test("high-precision within 0.05 dB at 44.1, 96 and 192 kHz too (a 2x search grid from 96 kHz)", (t) => {
    // the signals are the same sample sequences: only the rate-dependent grid and margins change
    const worst: Record<number, number> = { 44100: 0, 96000: 0, 192000: 0 };
    for (const make of Object.values(materials)) {
      for (let seed = 1; seed <= 3; seed++) {
        const x = applyFades(make(seed), 480);
        const exact = db(exactTruePeak(x));
        for (const rate of [44100, 96000, 192000]) {
          const e = Math.abs(db(measure(x, rate, "high-precision").truePeak) - exact);
          worst[rate] = Math.max(worst[rate], e);
        }
      }
    }
    for (const [rate, e] of Object.entries(worst)) {
      assert.ok(e <= 0.05, `${rate} Hz: high-precision errs by ${e.toFixed(4)} dB`);
      t.diagnostic(`${rate} Hz: high-precision max |error| ${e.toFixed(4)} dB`);
    }
  });
});

describe("true-peak overs", () => {
  const fs = 48000;
  function withBursts(bursts: [number, number, number][]): Float64Array {
    const x = whiteNoise(2 * fs, 0.01, 7);
    for (const [from, to, amp] of bursts) {
      for (let n = Math.round(from * fs); n < Math.round(to * fs); n++)
        x[n] = amp * Math.sin((2 * Math.PI * 1000 * n) / fs);
    }
    return x;
  }

  test("runs are reported with their time range and peak; gaps under 10 ms merge", () => {
    const x = withBursts([
      [0.5, 0.6, 0.99],
      [0.605, 0.62, 0.99],
      [1.5, 1.52, 0.95],
    ]);
    for (const kind of ["reference", "high-precision"] as const) {
      const m = measure(x, fs, kind);
      assert.equal(m.overs.length, 2, JSON.stringify(m.overs));
      const [a, b] = m.overs;
      assert.ok(
        Math.abs(a.start / fs - 0.5) < 0.001 && Math.abs(a.end / fs - 0.62) < 0.001,
        JSON.stringify(a),
      );
      assert.ok(Math.abs(db(a.peak) - db(0.99)) < 0.05, `peak ${db(a.peak)}`);
      assert.ok(
        Math.abs(b.start / fs - 1.5) < 0.001 && Math.abs(b.end / fs - 1.52) < 0.001,
        JSON.stringify(b),
      );
    }
  });

  test("an over below an earlier, louder peak is still found (bound = min(threshold, running max))", () => {
    const x = withBursts([
      [0.2, 0.21, 1.0],
      [1.2, 1.25, 0.95],
    ]);
    const m = measure(x, fs, "reference");
    assert.equal(m.overs.length, 2);
    assert.ok(Math.abs(m.overs[1].start / fs - 1.2) < 0.001);
  });

  test("silence: zero peaks, no overs", () => {
    const m = measure(new Float64Array(fs), fs, "reference");
    assert.equal(m.truePeak, 0);
    assert.equal(m.samplePeak, 0);
    assert.equal(m.overs.length, 0);
  });
});
