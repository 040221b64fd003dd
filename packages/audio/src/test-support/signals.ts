/** Test-signal synthesis (EBU Tech 3341/3342 cases and noise), all in double precision. */

/** Peak amplitude of a level given in dBFS. */
export function dbToAmp(db: number): number {
  return 10 ** (db / 20);
}

export interface ToneSegment {
  seconds: number;
  /** per-channel peak level in dBFS; -Infinity for silence */
  dbfs: number;
}

/**
 * A sine at `freq` through consecutive segments of given levels, phase-continuous across segment
 * boundaries (the EBU files change level at zero phase cost). Segment lengths round to whole samples.
 */
export function toneSegments(sampleRate: number, freq: number, segments: ToneSegment[]): Float64Array {
  const lengths = segments.map((s) => Math.round(s.seconds * sampleRate));
  const out = new Float64Array(lengths.reduce((a, b) => a + b, 0));
  let n = 0;
  segments.forEach((seg, i) => {
    const a = seg.dbfs === -Infinity ? 0 : dbToAmp(seg.dbfs);
    for (let k = 0; k < lengths[i]; k++, n++) out[n] = a * Math.sin((2 * Math.PI * freq * n) / sampleRate);
  });
  return out;
}

/**
 * x[n] = amp * sin(2 pi f n / fs + phase) with linear fades at both ends (Tech 3341 cases 15-19:
 * "10 ms fade in and out").
 */
export function fadedSine(
  sampleRate: number,
  freq: number,
  amp: number,
  phaseDeg: number,
  seconds: number,
  fadeSeconds = 0.01,
): Float64Array {
  const len = Math.round(seconds * sampleRate);
  const fade = Math.round(fadeSeconds * sampleRate);
  const phi = (phaseDeg * Math.PI) / 180;
  const out = new Float64Array(len);
  for (let n = 0; n < len; n++) {
    const g = Math.min(1, n / fade, (len - 1 - n) / fade);
    out[n] = g * amp * Math.sin((2 * Math.PI * freq * n) / sampleRate + phi);
  }
  return out;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian white noise (Box-Muller) with the given RMS. */
export function whiteNoise(length: number, rms: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(length);
  for (let n = 0; n < length; n += 2) {
    const u = Math.max(r(), 1e-300);
    const v = r();
    const m = rms * Math.sqrt(-2 * Math.log(u));
    out[n] = m * Math.cos(2 * Math.PI * v);
    if (n + 1 < length) out[n + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Approximate pink noise (Paul Kellet's filter on white noise), scaled to the given RMS. */
export function pinkNoise(length: number, rms: number, seed: number): Float64Array {
  const w = whiteNoise(length, 1, seed);
  const out = new Float64Array(length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let b5 = 0;
  let b6 = 0;
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const x = w[n];
    b0 = 0.99886 * b0 + x * 0.0555179;
    b1 = 0.99332 * b1 + x * 0.0750759;
    b2 = 0.969 * b2 + x * 0.153852;
    b3 = 0.8665 * b3 + x * 0.3104856;
    b4 = 0.55 * b4 + x * 0.5329522;
    b5 = -0.7616 * b5 - x * 0.016898;
    out[n] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + x * 0.5362;
    b6 = x * 0.115926;
    sum += out[n] * out[n];
  }
  const g = rms / Math.sqrt(sum / Math.max(1, length));
  for (let n = 0; n < length; n++) out[n] *= g;
  return out;
}

/** Raised-cosine fade in and out over `fade` samples, in place; returns x. */
export function applyFades(x: Float64Array, fade: number): Float64Array {
  for (let n = 0; n < fade && n < x.length; n++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * n) / fade);
    x[n] *= g;
    x[x.length - 1 - n] *= g;
  }
  return x;
}

/** x low-passed at `cutoff` (fraction of the sample rate) by a 255-tap Blackman-windowed sinc. */
export function lowPass(x: Float64Array, cutoff: number): Float64Array {
  const taps = 255;
  const mid = (taps - 1) / 2;
  const h = new Float64Array(taps);
  for (let j = 0; j < taps; j++) {
    const m = j - mid;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    const w =
      0.42 - 0.5 * Math.cos((2 * Math.PI * j) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * j) / (taps - 1));
    h[j] = sinc * w;
  }
  const out = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    for (let j = Math.max(0, n + mid - x.length + 1); j < taps && n + mid - j >= 0; j++)
      s += h[j] * x[n + mid - j];
    out[n] = s;
  }
  return out;
}

/**
 * "Broadband" noise the way real programme is broadband: white or pink noise low-passed at `cutoff`
 * of the sample rate (0.45 = 21.6 kHz at 48 kHz), scaled to `rms`. Full-band noise (energy right up
 * to Nyquist) has no well-defined true peak: long interpolators disagree on it by ~0.1 dB.
 */
export function bandLimitedNoise(
  length: number,
  rms: number,
  seed: number,
  colour: "white" | "pink" = "white",
  cutoff = 0.45,
): Float64Array {
  const raw = colour === "white" ? whiteNoise(length, 1, seed) : pinkNoise(length, 1, seed);
  const out = lowPass(raw, cutoff);
  let sum = 0;
  for (let n = 0; n < length; n++) sum += out[n] * out[n];
  const g = rms / Math.sqrt(sum / Math.max(1, length));
  for (let n = 0; n < length; n++) out[n] *= g;
  return out;
}
