/**
 * Interpolation filters for true-peak measurement (BS.1770 Annex 2).
 *
 * A filter is described in polyphase form: `phases[p][i]` multiplies x[n - i] to produce the
 * interpolated value at input time n - delay + p / phaseCount (in input samples).
 */
export interface PolyphaseFilter {
  readonly phaseCount: number;
  readonly tapsPerPhase: number;
  /** phases[p] has tapsPerPhase coefficients */
  readonly phases: Float64Array[];
  /** group delay in input samples: phase p at input n estimates x(n - delay + p / phaseCount) */
  readonly delay: number;
  /** max over phases of the sum of |coefficients|: |y| <= gain * max|x| over the taps (pruning bound) */
  readonly gain: number;
}

/** The 48-tap, 4-phase example FIR of BS.1770-4/-5 Annex 2 (rows = taps, columns = phases). */
const ITU_TABLE: readonly (readonly number[])[] = [
  [0.001708984375, -0.0291748046875, -0.0189208984375, -0.00830078125],
  [0.010986328125, 0.029296875, 0.0330810546875, 0.014892578125],
  [-0.0196533203125, -0.0517578125, -0.0582275390625, -0.026611328125],
  [0.033203125, 0.089111328125, 0.1015625, 0.047607421875],
  [-0.0594482421875, -0.16650390625, -0.2003173828125, -0.102294921875],
  [0.1373291015625, 0.465087890625, 0.77978515625, 0.97216796875],
  [0.97216796875, 0.77978515625, 0.465087890625, 0.1373291015625],
  [-0.102294921875, -0.2003173828125, -0.16650390625, -0.0594482421875],
  [0.047607421875, 0.1015625, 0.089111328125, 0.033203125],
  [-0.026611328125, -0.0582275390625, -0.0517578125, -0.0196533203125],
  [0.014892578125, 0.0330810546875, 0.029296875, 0.010986328125],
  [-0.00830078125, -0.0189208984375, -0.0291748046875, 0.001708984375],
];

function fromPhases(phases: Float64Array[], delay: number): PolyphaseFilter {
  let gain = 0;
  for (const ph of phases) {
    let s = 0;
    for (const c of ph) s += Math.abs(c);
    gain = Math.max(gain, s);
  }
  return { phaseCount: phases.length, tapsPerPhase: phases[0].length, phases, delay, gain };
}

/**
 * The Annex 2 filter. As a 48-tap prototype H[4i + p] = table[i][p], symmetric about 23.5, so
 * phase p at input n sits at n - 23.5/4 + p/4: the four phases interpolate at 1/8, 3/8, 5/8 and 7/8
 * of a sample period and none reproduces the input samples (hence max(TP, SP) in the result).
 */
export function ituAnnex2Filter(): PolyphaseFilter {
  const phases = [0, 1, 2, 3].map((p) => Float64Array.from(ITU_TABLE, (row) => row[p]));
  return fromPhases(phases, 23.5 / 4);
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * A Kaiser-windowed sinc interpolator at `phaseCount` x with `tapsPerPhase` taps per phase and its
 * cut-off at the input Nyquist frequency. Phase 0 is the identity (sinc is zero at the other
 * integers), and each phase is normalised to unity gain at DC.
 */
export function kaiserSincFilter(phaseCount: number, tapsPerPhase: number, beta: number): PolyphaseFilter {
  const length = phaseCount * tapsPerPhase;
  const centre = length / 2;
  const i0Beta = besselI0(beta);
  const proto = new Float64Array(length + 1);
  for (let j = 0; j <= length; j++) {
    const t = (j - centre) / phaseCount;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const r = (j - centre) / centre;
    proto[j] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta);
  }
  const phases: Float64Array[] = [];
  for (let p = 0; p < phaseCount; p++) {
    const ph = new Float64Array(tapsPerPhase);
    let dc = 0;
    for (let i = 0; i < tapsPerPhase; i++) {
      ph[i] = proto[phaseCount * i + p];
      dc += ph[i];
    }
    if (p === 0) {
      ph.fill(0);
      ph[tapsPerPhase / 2] = 1;
    } else for (let i = 0; i < tapsPerPhase; i++) ph[i] /= dc;
    phases.push(ph);
  }
  return fromPhases(phases, centre / phaseCount);
}

/**
 * The "high-precision" mode uses two 32-phase Kaiser sincs, both with unity DC gain on every phase
 * and phase 0 the identity:
 *  - the search filter (96 taps per phase, beta 9, flat to about 0.47 fs) is evaluated on a 4x grid
 *    (2x from 96 kHz) wherever the exact bounds allow, and at 32x near the running peak, to find
 *    where the peak can be;
 *  - the measuring filter (2048 taps per phase, beta 5) gives the reported values at the search peaks.
 * Why two: with energy up to the input Nyquist (white noise, clipping products), the true
 * (sinc-interpolated) peak depends on samples hundreds of periods away. Against the exact band-limited
 * interpolation at 64x (test-support/exact-peak.ts), on full-band white noise 96 taps err by up to
 * 0.2 dB, 1024 taps (beta 10) by 0.054 dB, 2048 taps (beta 5) by 0.032 dB; on material band-limited
 * to 0.45-0.48 fs all of them stay within 0.003 dB. Beta 5 (about 55 dB of image rejection) measured
 * closer than beta 8-10: on noise the truncation error dominates, not the image leakage.
 */
export const HIGH_PRECISION_PHASES = 32;
let searchFilter: PolyphaseFilter | null = null;
let measuringFilter: PolyphaseFilter | null = null;
export function highPrecisionSearchFilter(): PolyphaseFilter {
  searchFilter ??= kaiserSincFilter(HIGH_PRECISION_PHASES, 96, 9);
  return searchFilter;
}
export function highPrecisionMeasuringFilter(): PolyphaseFilter {
  measuringFilter ??= kaiserSincFilter(HIGH_PRECISION_PHASES, 2048, 5);
  return measuringFilter;
}

/** BS.1770 Annex 2 oversampling factor: 4x below 96 kHz, 2x below 192 kHz, none above. */
export function referenceOversampling(sampleRate: number): 1 | 2 | 4 {
  if (sampleRate < 96000) return 4;
  if (sampleRate < 192000) return 2;
  return 1;
}
