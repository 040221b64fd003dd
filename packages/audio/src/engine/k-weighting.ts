/**
 * K-weighting (BS.1770 Annex 1): a high-shelf "pre-filter" followed by the RLB high-pass, as two
 * biquads. The Recommendation only tabulates 48 kHz; for other rates we re-derive the coefficients
 * from the analog prototype through the bilinear transform, exactly as libebur128, the Rust ebur128
 * crate and ffmpeg do (parameters reverse-engineered from the 48 kHz table, which they reproduce to
 * all printed digits).
 */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface KWeightingCoefficients {
  shelf: Biquad;
  highPass: Biquad;
}

export function kWeightingCoefficients(sampleRate: number): KWeightingCoefficients {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  const a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  const hf0 = 38.13547087602444;
  const hq = 0.5003270373238773;
  const hk = Math.tan((Math.PI * hf0) / sampleRate);
  const ha0 = 1 + hk / hq + hk * hk;
  const highPass: Biquad = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (hk * hk - 1)) / ha0,
    a2: (1 - hk / hq + hk * hk) / ha0,
  };
  return { shelf, highPass };
}

/** States below this are flushed to zero at step boundaries so decaying silence never goes subnormal. */
const FLUSH_BELOW = 1e-25;

/**
 * One channel's K-weighting filter: two transposed direct-form II biquads in double precision.
 * It returns the sum of squares of the filtered signal; the caller splits a chunk at its
 * energy-step boundaries so sums never straddle a step.
 */
export class KWeightingFilter {
  private readonly c: KWeightingCoefficients;
  private s1a = 0;
  private s1b = 0;
  private s2a = 0;
  private s2b = 0;

  constructor(sampleRate: number) {
    this.c = kWeightingCoefficients(sampleRate);
  }

  /** Filters x[from..to) and returns the sum of squared outputs added to `acc` in sample order. */
  sumSquares(x: Float64Array, from: number, to: number, acc: number): number {
    const { shelf, highPass } = this.c;
    const b0 = shelf.b0;
    const b1 = shelf.b1;
    const b2 = shelf.b2;
    const a1 = shelf.a1;
    const a2 = shelf.a2;
    const c1 = highPass.a1;
    const c2 = highPass.a2;
    let s1a = this.s1a;
    let s1b = this.s1b;
    let s2a = this.s2a;
    let s2b = this.s2b;
    let sum = acc;
    for (let i = from; i < to; i++) {
      const xi = x[i];
      const y = b0 * xi + s1a;
      s1a = b1 * xi - a1 * y + s1b;
      s1b = b2 * xi - a2 * y;
      const z = y + s2a;
      s2a = -2 * y - c1 * z + s2b;
      s2b = y - c2 * z;
      sum += z * z;
    }
    this.s1a = s1a;
    this.s1b = s1b;
    this.s2a = s2a;
    this.s2b = s2b;
    return sum;
  }

  /** Called at step boundaries: flush tiny states (a -500 dB tail) to avoid subnormal slowdowns. */
  flushDenormals(): void {
    if (Math.abs(this.s1a) < FLUSH_BELOW && Math.abs(this.s1b) < FLUSH_BELOW) {
      this.s1a = 0;
      this.s1b = 0;
    }
    if (Math.abs(this.s2a) < FLUSH_BELOW && Math.abs(this.s2b) < FLUSH_BELOW) {
      this.s2a = 0;
      this.s2b = 0;
    }
  }
}
