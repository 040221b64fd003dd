import { dbToAmp, fadedSine, type ToneSegment, toneSegments } from "./signals.ts";

/**
 * EBU Tech 3341 (V4, 2023) and Tech 3342 (2023) minimum-requirement signals, synthesised at any
 * rate (AUDIO.md §3.1-3.2). "Tone" = 1 kHz sine at the given per-channel peak level, both channels.
 */
export interface LoudnessCase {
  name: string;
  /** per-channel signals, layout in `layout` */
  build(sampleRate: number): Float64Array[];
  layout: string[];
}

const silence = (seconds: number): ToneSegment => ({ seconds, dbfs: -Infinity });
const tone = (seconds: number, dbfs: number): ToneSegment => ({ seconds, dbfs });

function stereoTone(segments: ToneSegment[]): (fs: number) => Float64Array[] {
  return (fs) => {
    const x = toneSegments(fs, 1000, segments);
    return [x, x];
  };
}

/** Cases with an integrated-loudness expectation (-23 unless stated), tolerance +-0.1 LU. */
export const INTEGRATED_CASES: (LoudnessCase & { expected: number })[] = [
  { name: "3341-1", layout: ["L", "R"], expected: -23, build: stereoTone([tone(20, -23)]) },
  { name: "3341-2", layout: ["L", "R"], expected: -33, build: stereoTone([tone(20, -33)]) },
  {
    name: "3341-3",
    layout: ["L", "R"],
    expected: -23,
    build: stereoTone([tone(10, -36), tone(60, -23), tone(10, -36)]),
  },
  {
    name: "3341-4",
    layout: ["L", "R"],
    expected: -23,
    build: stereoTone([tone(10, -72), tone(10, -36), tone(60, -23), tone(10, -36), tone(10, -72)]),
  },
  {
    name: "3341-5",
    layout: ["L", "R"],
    expected: -23,
    build: stereoTone([tone(20, -26), tone(20.1, -20), tone(20, -26)]),
  },
  {
    name: "3341-6",
    layout: ["L", "R", "C", "Ls", "Rs"],
    expected: -23,
    build: (fs) => {
      const lr = toneSegments(fs, 1000, [tone(20, -28)]);
      const c = toneSegments(fs, 1000, [tone(20, -24)]);
      const s = toneSegments(fs, 1000, [tone(20, -30)]);
      return [lr, lr, c, s, s];
    },
  },
];

/** Case 9: (1.34 s at -20; 1.66 s at -30) x 5; S = -23 +-0.1 from 3 s on. */
export const CASE_9 = stereoTone(Array.from({ length: 5 }, () => [tone(1.34, -20), tone(1.66, -30)]).flat());
/** Case 12: (0.18 s at -20; 0.22 s at -30) x 25; M = -23 +-0.1 from 1 s on. */
export const CASE_12 = stereoTone(
  Array.from({ length: 25 }, () => [tone(0.18, -20), tone(0.22, -30)]).flat(),
);
/** Case 10-i (file-based): i * 0.15 s silence, 3 s at -23, 1 s silence; max S = -23 +-0.1. */
export function case10(i: number): (fs: number) => Float64Array[] {
  return stereoTone([silence(i * 0.15), tone(3, -23), silence(1)]);
}
/** Case 13-i (file-based): i * 20 ms silence, 400 ms at -23, 1 s silence; max M = -23 +-0.1. */
export function case13(i: number): (fs: number) => Float64Array[] {
  return stereoTone([silence(i * 0.02), tone(0.4, -23), silence(1)]);
}

/** Tech 3342 cases 1-4, 20 s per level; expected LRA +-1 LU. */
export const LRA_CASES: { name: string; levels: number[]; expected: number }[] = [
  { name: "3342-1", levels: [-20, -30], expected: 10 },
  { name: "3342-2", levels: [-20, -15], expected: 5 },
  { name: "3342-3", levels: [-40, -20], expected: 20 },
  { name: "3342-4", levels: [-50, -35, -20, -35, -50], expected: 15 },
];
export function lraCase(levels: number[]): (fs: number) => Float64Array[] {
  return stereoTone(levels.map((l) => tone(20, l)));
}

/** True-peak cases 15-19: stereo sine with 10 ms fades; expected max TP, tolerance +0.2 / -0.4 dB. */
export const TRUE_PEAK_CASES: {
  name: string;
  divisor: number;
  amp: number;
  phase: number;
  expected: number;
}[] = [
  { name: "3341-15", divisor: 4, amp: 0.5, phase: 0, expected: -6 },
  { name: "3341-16", divisor: 4, amp: 0.5, phase: 45, expected: -6 },
  { name: "3341-17", divisor: 6, amp: 0.5, phase: 60, expected: -6 },
  { name: "3341-18", divisor: 8, amp: 0.5, phase: 67.5, expected: -6 },
  { name: "3341-19", divisor: 4, amp: 1.41, phase: 45, expected: 3 },
];
export function truePeakCase(
  c: { divisor: number; amp: number; phase: number },
  fs: number,
  seconds = 3.2,
): Float64Array[] {
  const x = fadedSine(fs, fs / c.divisor, c.amp, c.phase, seconds);
  return [x, x];
}

/**
 * Cases 20-23: an fs/6 sine at 0.5 FS containing one period of an fs/4 sine at 1.0 FS, phase
 * continuous, synthesised at 4 fs, anti-alias filtered and decimated at `offset` 0..3; expected 0 dBTP
 * (+0.2/-0.4). Our substitute for the EBU files (AUDIO.md §3.1 notes): splice at a zero crossing,
 * 511-tap Kaiser low-pass at 0.4375 fs, linear 10 ms fades.
 */
export function case20to23(fs: number, offset: number, seconds = 3.2): Float64Array[] {
  const up = 4;
  const n = Math.round(seconds * fs) * up;
  const hi = new Float64Array(n);
  // the fs/6 sine at rate 4 fs has a period of 24 samples; the fs/4 period is 16 samples
  const spliceAt = Math.round(n / 2 / 24) * 24;
  for (let k = 0; k < n; k++) {
    if (k >= spliceAt && k < spliceAt + 16) hi[k] = Math.sin((2 * Math.PI * (k - spliceAt)) / 16);
    else {
      const kk = k < spliceAt ? k : k - 16;
      hi[k] = 0.5 * Math.sin((2 * Math.PI * kk) / 24);
    }
  }
  const taps = 511;
  const mid = (taps - 1) / 2;
  const cutoff = 0.4375 / up; // relative to the high rate
  const h = new Float64Array(taps);
  const beta = 10;
  const i0 = (x: number) => {
    let s = 1;
    let t = 1;
    for (let k = 1; k < 60; k++) {
      t *= (x * x) / 4 / (k * k);
      s += t;
    }
    return s;
  };
  let dc = 0;
  for (let j = 0; j < taps; j++) {
    const m = j - mid;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    const r = m / mid;
    h[j] = sinc * (i0(beta * Math.sqrt(1 - r * r)) / i0(beta));
    dc += h[j];
  }
  const len = Math.floor((n - offset) / up);
  const out = new Float64Array(len);
  const fade = Math.round(0.01 * fs);
  for (let i = 0; i < len; i++) {
    const k = i * up + offset;
    let s = 0;
    for (let j = 0; j < taps; j++) {
      const idx = k - j + mid;
      if (idx >= 0 && idx < n) s += h[j] * hi[idx];
    }
    out[i] = (s / dc) * Math.min(1, i / fade, (len - 1 - i) / fade);
  }
  return [out, out];
}

export { dbToAmp };
