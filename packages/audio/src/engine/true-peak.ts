import {
  HIGH_PRECISION_PHASES,
  highPrecisionMeasuringFilter,
  highPrecisionSearchFilter,
  ituAnnex2Filter,
  type PolyphaseFilter,
  referenceOversampling,
} from "./true-peak-filters.ts";

export type TruePeakFilterKind = "reference" | "high-precision";

/** Switches for differential tests: both default to true, and results must not depend on them. */
export interface TruePeakVariant {
  /** the exact pruning */
  prune?: boolean;
  /** the hand-unrolled Annex 2 kernel (else the plain dot-product loop) */
  unrolled?: boolean;
}

/**
 * Extremes of consecutive blocks of new samples, computed by the caller while it read them anyway
 * (the K-weighting loop): block b covers [ends[b - 1], ends[b]) of the samples being committed.
 */
export interface BlockExtremes {
  count: number;
  ends: Int32Array;
  hi: Float64Array;
  lo: Float64Array;
}

/** A run of interpolated values above the over threshold; times in input samples from file start. */
export interface OverRun {
  start: number;
  end: number;
  /** linear peak of the run */
  peak: number;
}

/** Pruning block, in input samples (128, 256 and 512 measured; 256 was fastest). */
const BLOCK = 256;
/** Slack for floating-point rounding in the pruning bounds (a dot product of <= 96 terms errs by < 1e-13). */
const ROUNDING_MARGIN = 1 + 1e-9;
/**
 * High precision: the search filter's values may fall short of the measuring filter's by this factor
 * (0.5 dB) before a peak is missed; measured: at most 0.25 dB, on full-band white noise (at 0.47 fs
 * and below the two filters agree to 0.001 dB). A 1 dB margin reached 0.485 fs but cost 65 % more
 * time on the bench file.
 */
const SEARCH_MARGIN = 10 ** (-0.5 / 20);
/** High precision: the measuring filter is evaluated this many 32x phases either side of the search peak. */
const MEASURE_RADIUS = 1;
/** half-width of the central band of taps in the high-precision split bound (3-4 measured best of 2-10) */
const CENTRE_HALF_WIDTH = 4;

/**
 * True peak of one channel (BS.1770 Annex 2), with exact pruning (AUDIO.md §5.4).
 *
 * The interpolated values and the input samples form one time-ordered stream. A value can only
 * change the result if it exceeds lim = min(over threshold, running max(TP, SP)). Two exact bounds
 * skip work whose values cannot exceed lim:
 *   1. per block: |y| <= gain * max|x| over the block and its filter history (gain = max over
 *      phases of the sum of |c|);
 *   2. per input sample, inside blocks that survive 1: |y| <= ||c||_2 * sqrt(sum of x^2 over the taps)
 *      (Cauchy-Schwarz), with the windowed energy kept as a running sum that is recomputed at each
 *      block start and given an absolute slack for its rounding.
 * Skipped values are <= lim, so they can neither raise the maximum nor be overs: the pruned meter
 * returns bit-identical peaks and overs to the unpruned one (tested). On the 10-minute 5.1 noise
 * benchmark 24 % of blocks survive bound 1 and about 10 % of samples survive bound 2.
 *
 * "reference" uses the Annex 2 table (4x; phases 0 and 2 of it at 2x; samples only from 192 kHz).
 * "high-precision" (see true-peak-filters.ts) evaluates its 96-tap search filter on a 4x grid (2x
 * from 96 kHz, also at >= 192 kHz), with the bounds above, wherever a value could exceed
 * SEARCH_MARGIN * lim, and at 32x through the grid intervals with an end above gridFraction * lim; where the
 * search peak of an interval comes within SEARCH_MARGIN of lim, the 2048-tap measuring filter gives
 * the reported values at that 32x phase and MEASURE_RADIUS phases either side. A peak between two
 * grid points of a signal band-limited to the input Nyquist lies at most 20*log10(1/cos(pi/8)) =
 * 0.69 dB (4x) or 3 dB (2x) above both ends (Annex 2 Attachment 1), hence gridFraction. The search
 * filter is flat to 0.47 fs and 0.3 dB down at 0.48 fs; a strong tone above about 0.48 fs (23 kHz at
 * 48 kHz), which it attenuates by more than the margin, could be under-read, down to at worst its
 * sample peak. Pruning stays exact: pruned and unpruned runs agree bit for bit.
 */
export class TruePeakMeter {
  samplePeak = 0;
  /** max |value| over the interpolated stream (and the samples in it) */
  peak = 0;
  /** input samples whose interpolation was computed (the rest were pruned): shows the pruning works */
  computed = 0;
  readonly overs: OverRun[] = [];
  private run: OverRun | null = null;
  private readonly filter: PolyphaseFilter | null;
  /** high-precision: the long filter that gives every reported interpolated value */
  private readonly measuring: PolyphaseFilter | null;
  /** the search filter's newest tap trails the newest input sample by this much (measuring filter centring) */
  private readonly searchLag: number;
  /** interpolated values at or below pruneFraction * lim cannot matter (1 for the reference filter) */
  private readonly pruneFraction: number;
  /** high precision: grid intervals with both ends at or below gridFraction * lim cannot matter */
  private readonly gridFraction: number;
  /** samples before the newest that the search filter reads: its taps - 1 */
  private readonly reach: number;
  /** phases evaluated for every input sample */
  private readonly coarse: number[];
  /** history kept in front of the new samples: the longest filter's taps - 1 */
  private readonly hist: number;
  /** the input sample emitted into the stream at iteration n is x[n - sampleLag] (reference filters) */
  private readonly sampleLag: number;
  private readonly normBound: number;
  /** max over phases of |sum of c| (the DC gain), at least 1 for the samples in the stream */
  private readonly dcGain: number;
  /** high-precision: the central taps [t0, t1) and max over phases of the L2 norms inside/outside */
  private readonly centreTaps: [number, number];
  private readonly centreNorm: number;
  private readonly tailNorm: number;
  /** the smooth-signal bound: |y| <= smoothGain |m| + sqrt(smoothBound * sum d^2) (see smoothSignalBound) */
  private readonly smoothGain: number;
  private readonly smoothBound: number;
  private buf: Float64Array;
  /** global index of the first new sample of the next push */
  private consumed = 0;
  private readonly threshold: number;
  private readonly mergeGap: number;
  private readonly prune: boolean;
  /** the Annex 2 filter at 4x or 2x: the unrolled kernel */
  private readonly itu: boolean;

  /**
   * @param overThreshold linear over threshold
   * @param mergeGapSamples overs closer than this (input samples) merge into one run
   * @param variant differential tests switch off the pruning or the unrolled kernel
   */
  constructor(
    kind: TruePeakFilterKind,
    sampleRate: number,
    overThreshold: number,
    mergeGapSamples: number,
    variant: TruePeakVariant = {},
  ) {
    const prune = variant.prune ?? true;
    this.threshold = overThreshold;
    this.mergeGap = mergeGapSamples;
    this.prune = prune;
    const factor = referenceOversampling(sampleRate);
    this.measuring = null;
    this.pruneFraction = 1;
    this.gridFraction = 1;
    if (kind === "reference") {
      if (factor === 1) {
        this.filter = null;
        this.coarse = [];
      } else {
        this.filter = ituAnnex2Filter();
        this.coarse = factor === 4 ? [0, 1, 2, 3] : [0, 2];
      }
    } else {
      this.filter = highPrecisionSearchFilter();
      this.measuring = highPrecisionMeasuringFilter();
      const grid = factor === 4 ? 4 : 2;
      const stride = HIGH_PRECISION_PHASES / grid;
      this.coarse = Array.from({ length: grid }, (_, i) => i * stride);
      // 0.9 < cos(pi/8) = 0.924 for the 4x grid, 0.7 < cos(pi/4) = 0.707 for 2x, times the search margin
      this.pruneFraction = SEARCH_MARGIN;
      this.gridFraction = SEARCH_MARGIN * (grid === 4 ? 0.9 : 0.7);
    }
    this.itu = kind === "reference" && factor > 1 && (variant.unrolled ?? true);
    const f = this.filter;
    this.reach = f ? f.tapsPerPhase - 1 : 0;
    this.hist = this.measuring ? this.measuring.tapsPerPhase - 1 : this.reach;
    this.searchLag = this.measuring && f ? (this.measuring.tapsPerPhase - f.tapsPerPhase) / 2 : 0;
    // only the plain kernel (reference filters) emits samples at a lag; high precision emits its own
    if (!f || this.measuring) this.sampleLag = 0;
    else this.sampleLag = Math.ceil(f.delay - this.coarse[this.coarse.length - 1] / f.phaseCount);
    let norm = 1;
    if (f) {
      for (const ph of f.phases) {
        let s = 0;
        for (const c of ph) s += c * c;
        norm = Math.max(norm, s);
      }
    }
    // squared L2 bound; >= 1 so it also covers the input sample emitted into the stream
    this.normBound = norm * ROUNDING_MARGIN;
    let dc = 1;
    for (const ph of f?.phases ?? []) dc = Math.max(dc, Math.abs(ph.reduce((a, b) => a + b, 0)));
    this.dcGain = dc;
    const half = f ? f.tapsPerPhase / 2 : 0;
    this.centreTaps = [Math.max(0, half - CENTRE_HALF_WIDTH), half + CENTRE_HALF_WIDTH];
    let nc = 1;
    let nt = 0;
    for (const ph of f?.phases ?? []) {
      let c = 0;
      let t = 0;
      ph.forEach((v, i) => {
        if (i >= this.centreTaps[0] && i < this.centreTaps[1]) c += v * v;
        else t += v * v;
      });
      nc = Math.max(nc, Math.sqrt(c));
      nt = Math.max(nt, Math.sqrt(t));
    }
    this.centreNorm = nc * ROUNDING_MARGIN;
    this.tailNorm = nt * ROUNDING_MARGIN;
    const smooth = f ? smoothSignalBound(f) : { gain: 1, squaredNorm: 0.25 };
    this.smoothGain = smooth.gain * ROUNDING_MARGIN;
    this.smoothBound = smooth.squaredNorm * ROUNDING_MARGIN;
    this.buf = new Float64Array(this.hist + 4096);
  }

  /** Where the caller writes the next `count` samples (then calls commit): saves a copy. */
  input(count: number): Float64Array {
    const h = this.hist;
    if (this.buf.length < h + count) {
      const grown = new Float64Array(h + count);
      grown.set(this.buf.subarray(0, h));
      this.buf = grown;
    }
    return this.buf.subarray(h, h + count);
  }

  /** Measures the `count` samples written into input(count); `blocks` (if given) spares the scan. */
  commit(count: number, blocks?: BlockExtremes): void {
    const h = this.hist;
    if (blocks) {
      let s = h;
      for (let b = 0; b < blocks.count; b++) {
        const e = h + blocks.ends[b];
        if (e > s) this.processBlock(s, e, blocks.hi[b], blocks.lo[b]);
        s = e;
      }
      if (s !== h + count) throw new Error("block extremes do not cover the samples");
    } else this.processRange(h, h + count);
    this.consumed += count;
    if (h > 0) this.buf.copyWithin(0, count, count + h);
  }

  /** Feeds x[0..count). */
  push(x: Float64Array, count: number): void {
    this.input(count).set(x.subarray(0, count));
    this.commit(count);
  }

  /** Flushes the filter with zeros (the signal ends in silence) and closes the last over run. */
  finish(): void {
    if (this.hist > 0) {
      this.input(this.hist).fill(0);
      this.commit(this.hist);
    }
    if (this.run) {
      this.overs.push(this.run);
      this.run = null;
    }
  }

  /** The measured value: max(true peak, sample peak), linear. */
  get truePeak(): number {
    return Math.max(this.peak, this.samplePeak);
  }

  private lim(): number {
    return Math.min(this.threshold, Math.max(this.peak, this.samplePeak));
  }

  private processRange(from: number, to: number): void {
    const buf = this.buf;
    for (let s = from; s < to; s += BLOCK) {
      const e = Math.min(to, s + BLOCK);
      let hi = 0;
      let lo = 0;
      for (let i = s; i < e; i++) {
        const v = buf[i];
        hi = Math.max(hi, v);
        lo = Math.min(lo, v);
      }
      this.processBlock(s, e, hi, lo);
    }
  }

  /** One block of new samples buf[s..e), whose extremes (with 0) are hi and lo. */
  private processBlock(s: number, e: number, blockHi: number, blockLo: number): void {
    const buf = this.buf;
    const peakNew = Math.max(blockHi, -blockLo);
    if (peakNew > this.samplePeak) this.samplePeak = peakNew;
    // extremes of every sample the search filter reads for this block's outputs
    const lag = this.searchLag;
    let hi = lag === 0 ? blockHi : 0;
    let lo = lag === 0 ? blockLo : 0;
    for (let i = s - lag - this.reach; i < (lag === 0 ? s : e - lag); i++) {
      const v = buf[i];
      hi = Math.max(hi, v);
      lo = Math.min(lo, v);
    }
    // Every x in the filter's reach lies in centre +- radius, so |y| <= dcGain |centre| + gain radius:
    // as tight as gain * max|x| for zero-mean blocks, about twice as tight for bass-heavy ones.
    const gain = this.filter ? this.filter.gain * ROUNDING_MARGIN : ROUNDING_MARGIN;
    const centre = (hi + lo) / 2;
    const radius = (hi - lo) / 2 + 1e-12 * (hi - lo);
    const cut = this.pruneFraction * this.lim();
    if (this.prune && this.dcGain * ROUNDING_MARGIN * Math.abs(centre) + gain * radius <= cut) return;
    if (this.itu) this.kernelItu(s, e, centre, radius, this.coarse.length === 2);
    else if (this.measuring) this.kernelHighPrecision(s, e, centre, radius);
    else this.kernelGeneric(s, e);
  }

  /**
   * Squared budget left for the deviation term of the per-sample bound
   * |y| <= dcGain |centre| + ||c|| sqrt(sum (x - centre)^2); negative when nothing can be skipped.
   */
  private deviationBudget(lim: number, centre: number): number {
    const cut = lim - this.dcGain * ROUNDING_MARGIN * Math.abs(centre);
    return cut > 0 ? cut * cut : -1;
  }

  /** sum of (x[k] - x[k - 1])^2 for k in [from, to): the start of the smooth-signal bound's running window */
  private differenceEnergy(from: number, to: number): number {
    const buf = this.buf;
    let sum = 0;
    for (let k = from; k < to; k++) sum += (buf[k] - buf[k - 1]) * (buf[k] - buf[k - 1]);
    return sum;
  }

  /** sum of (x - centre)^2 over buf[from, to): the start of a running window energy */
  private historyEnergy(from: number, to: number, centre: number): number {
    const buf = this.buf;
    let sum = 0;
    for (let k = from; k < to; k++) sum += (buf[k] - centre) * (buf[k] - centre);
    return sum;
  }

  /**
   * The Annex 2 filter, hand-unrolled (same summation order as kernelGeneric). At 2x (`half`) only
   * phases 0 and 2 are evaluated: the same interpolator on a grid half as dense.
   */
  private kernelItu(s: number, e: number, centre: number, radius: number, half: boolean): void {
    const buf = this.buf;
    const prune = this.prune;
    const bound = this.normBound;
    const tBase = this.consumed - this.hist;
    let lim = this.lim();
    let budget = this.deviationBudget(lim, centre);
    // running sum of (x - centre)^2 over the 11 samples before i; it stays <= 12 radius^2, and its
    // rounding drift over one block stays far below the slack
    let energy = this.historyEnergy(s - 11, s, centre);
    const slack = 12e-12 * radius * radius + 1e-300;
    // running sum of the squared first differences inside the taps (the smooth-signal bound): the
    // 10 differences of the history here, the newest one added in the loop
    let diffs = this.differenceEnergy(s - 10, s);
    const diffSlack = 44e-12 * radius * radius + 1e-300;
    const smoothGain = this.smoothGain;
    const smoothBound = this.smoothBound;
    for (let i = s; i < e; i++) {
      const xn = buf[i];
      const dn = xn - centre;
      const window = energy + dn * dn;
      const xo = buf[i - 11];
      const dold = xo - centre;
      energy = window - dold * dold;
      const dNew = xn - buf[i - 1];
      const diffWindow = diffs + dNew * dNew;
      const dLeaving = buf[i - 10] - xo;
      diffs = diffWindow - dLeaving * dLeaving;
      if (prune) {
        if (bound * (window + slack) <= budget) continue;
        const cut = lim - smoothGain * Math.abs(0.5 * (buf[i - 5] + buf[i - 6]));
        if (cut > 0 && smoothBound * (diffWindow + diffSlack) <= cut * cut) continue;
      }
      this.computed++;
      const x0 = xn;
      const x1 = buf[i - 1];
      const x2 = buf[i - 2];
      const x3 = buf[i - 3];
      const x4 = buf[i - 4];
      const x5 = buf[i - 5];
      const x6 = buf[i - 6];
      const x7 = buf[i - 7];
      const x8 = buf[i - 8];
      const x9 = buf[i - 9];
      const x10 = buf[i - 10];
      const x11 = buf[i - 11];
      const y0 =
        0.001708984375 * x0 +
        0.010986328125 * x1 +
        -0.0196533203125 * x2 +
        0.033203125 * x3 +
        -0.0594482421875 * x4 +
        0.1373291015625 * x5 +
        0.97216796875 * x6 +
        -0.102294921875 * x7 +
        0.047607421875 * x8 +
        -0.026611328125 * x9 +
        0.014892578125 * x10 +
        -0.00830078125 * x11;
      const y2 =
        -0.0189208984375 * x0 +
        0.0330810546875 * x1 +
        -0.0582275390625 * x2 +
        0.1015625 * x3 +
        -0.2003173828125 * x4 +
        0.77978515625 * x5 +
        0.465087890625 * x6 +
        -0.16650390625 * x7 +
        0.089111328125 * x8 +
        -0.0517578125 * x9 +
        0.029296875 * x10 +
        -0.0291748046875 * x11;
      let y1 = 0;
      let y3 = 0;
      if (!half) {
        y1 =
          -0.0291748046875 * x0 +
          0.029296875 * x1 +
          -0.0517578125 * x2 +
          0.089111328125 * x3 +
          -0.16650390625 * x4 +
          0.465087890625 * x5 +
          0.77978515625 * x6 +
          -0.2003173828125 * x7 +
          0.1015625 * x8 +
          -0.0582275390625 * x9 +
          0.0330810546875 * x10 +
          -0.0189208984375 * x11;
        y3 =
          -0.00830078125 * x0 +
          0.014892578125 * x1 +
          -0.026611328125 * x2 +
          0.047607421875 * x3 +
          -0.102294921875 * x4 +
          0.97216796875 * x5 +
          0.1373291015625 * x6 +
          -0.0594482421875 * x7 +
          0.033203125 * x8 +
          -0.0196533203125 * x9 +
          0.010986328125 * x10 +
          0.001708984375 * x11;
      }
      const a0 = Math.abs(y0);
      const a1 = Math.abs(y1);
      const a2 = Math.abs(y2);
      const a3 = Math.abs(y3);
      const a6 = Math.abs(x6);
      if (a0 > lim || a1 > lim || a2 > lim || a3 > lim || a6 > lim) {
        const n = tBase + i;
        this.emit(n - 6, a6);
        this.emit(n - 5.875, a0);
        if (!half) this.emit(n - 5.625, a1);
        this.emit(n - 5.375, a2);
        if (!half) this.emit(n - 5.125, a3);
        lim = this.lim();
        budget = this.deviationBudget(lim, centre);
      }
    }
  }

  /** Any coarse-only filter: the samples alone at >= 192 kHz, and the plain reference in tests. */
  private kernelGeneric(s: number, e: number): void {
    const buf = this.buf;
    const f = this.filter;
    const coarse = this.coarse;
    const nc = coarse.length;
    const phases = coarse.map((p) => f!.phases[p]);
    const taps = f ? f.tapsPerPhase : 0;
    const times = coarse.map((p) => -f!.delay + p / f!.phaseCount);
    const lag = this.sampleLag;
    const tBase = this.consumed - this.hist;
    const y = new Float64Array(nc);
    let lim = this.lim();
    this.computed += e - s;
    for (let i = s; i < e; i++) {
      let any = false;
      for (let k = 0; k < nc; k++) {
        const ph = phases[k];
        let sum = 0;
        for (let t = 0; t < taps; t++) sum += ph[t] * buf[i - t];
        const a = Math.abs(sum);
        y[k] = a;
        if (a > lim) any = true;
      }
      const as = Math.abs(buf[i - lag]);
      if (any || as > lim) {
        const n = tBase + i;
        this.emit(n - lag, as);
        for (let k = 0; k < nc; k++) this.emit(n + times[k], y[k]);
        lim = this.lim();
      }
    }
  }

  /**
   * High precision: the search filter on the coarse grid, then, for candidates, the measuring filter on
   * the grid and at 32x near lim (phase 0 is the sample). The search filter reads buf[j - 95 .. j] with
   * j = i - searchLag, so both filters interpolate the same instants at iteration i.
   */
  private kernelHighPrecision(s: number, e: number, centre: number, radius: number): void {
    const buf = this.buf;
    const f = this.filter!;
    const P = f.phaseCount;
    const taps = f.tapsPerPhase;
    const coarse = this.coarse;
    const nc = coarse.length;
    const stride = P / nc;
    const phases = f.phases;
    const measuring = this.measuring!.phases;
    const longTaps = this.measuring!.tapsPerPhase;
    const identity = longTaps / 2; // phase 0 at input i is x[i - longTaps/2]
    const lag = this.searchLag;
    const prune = this.prune;
    const bound = this.normBound;
    const pruneFraction = this.pruneFraction;
    const gridFraction = this.gridFraction;
    const tBase = this.consumed - this.hist;
    const y = new Float64Array(nc + 1);
    // the bounds cover every phase, so they skip against pruneFraction; the grid alone needs gridFraction
    let cut = pruneFraction * this.lim();
    let gridCut = gridFraction * this.lim();
    let energy = this.historyEnergy(s - lag - taps + 1, s - lag, centre);
    const slack = taps * 1e-12 * radius * radius + 1e-300;
    // A long filter makes the one-window bound loose (it grows with sqrt(taps)), so the window is also
    // split: the central taps [t0, t1) carry nearly all of each phase's energy, the tails little.
    // |y - dcGain centre| <= ||c_centre|| sqrt(E_centre) + ||c_tails|| sqrt(E_window - E_centre).
    const [t0, t1] = this.centreTaps;
    const nCentre = this.centreNorm;
    const nTails = this.tailNorm;
    const dcTerm = this.dcGain * ROUNDING_MARGIN * Math.abs(centre);
    let centreEnergy = 0;
    for (let t = t0; t < t1; t++) centreEnergy += (buf[s - lag - 1 - t] - centre) ** 2;
    // the smooth-signal bound (see kernelItu) over the taps' taps - 1 first differences
    let diffs = this.differenceEnergy(s - lag - taps + 2, s - lag);
    const diffSlack = 4 * taps * 1e-12 * radius * radius + 1e-300;
    const smoothGain = this.smoothGain;
    const smoothBound = this.smoothBound;
    const mid = taps / 2;
    for (let i = s; i < e; i++) {
      const j = i - lag;
      const xn = buf[j];
      const dn = xn - centre;
      const window = energy + dn * dn;
      const dold = buf[j - taps + 1] - centre;
      energy = window - dold * dold;
      const din = buf[j - t0] - centre;
      const dout = buf[j - t1] - centre;
      centreEnergy += din * din - dout * dout;
      const dNew = xn - buf[j - 1];
      const diffWindow = diffs + dNew * dNew;
      const dLeaving = buf[j - taps + 2] - buf[j - taps + 1];
      diffs = diffWindow - dLeaving * dLeaving;
      if (prune) {
        if (bound * (window + slack) <= this.deviationBudget(cut, centre)) continue;
        const tails = Math.max(0, window - centreEnergy) + slack;
        if (dcTerm + nCentre * Math.sqrt(centreEnergy + slack) + nTails * Math.sqrt(tails) <= cut) continue;
        const smoothCut = cut - smoothGain * Math.abs(0.5 * (buf[j - mid] + buf[j - mid + 1]));
        if (smoothCut > 0 && smoothBound * (diffWindow + diffSlack) <= smoothCut * smoothCut) continue;
      }
      this.computed++;
      y[0] = buf[i - identity];
      for (let k = 1; k < nc; k++) y[k] = dot4(phases[k * stride], buf, j, taps);
      y[nc] = buf[i + 1 - identity];
      let any = false;
      for (let k = 0; k <= nc; k++) if (Math.abs(y[k]) > gridCut) any = true;
      if (!any) continue;
      const n = tBase + i - identity;
      this.emit(n, Math.abs(y[0]));
      // the search filter at 32x through the grid intervals with an end above gridCut: where it peaks
      let best = 0;
      let bestPhase = 0;
      for (let k = 0; k < nc; k++) {
        if (Math.abs(y[k]) <= gridCut && Math.abs(y[k + 1]) <= gridCut) continue;
        for (let p = k * stride; p < (k + 1) * stride; p++) {
          const v = p === k * stride ? Math.abs(y[k]) : Math.abs(dot4(phases[p], buf, j, taps));
          if (v > best) {
            best = v;
            bestPhase = p;
          }
        }
      }
      // the measuring filter around that peak, if it can matter
      if (best > SEARCH_MARGIN * this.lim()) {
        const last = Math.min(P - 1, bestPhase + MEASURE_RADIUS);
        for (let p = Math.max(1, bestPhase - MEASURE_RADIUS); p <= last; p++)
          this.emit(n + p / P, Math.abs(dot4(measuring[p], buf, i, longTaps)));
      }
      cut = pruneFraction * this.lim();
      gridCut = gridFraction * this.lim();
    }
  }

  private emit(t: number, a: number): void {
    if (a > this.peak) this.peak = a;
    if (a > this.threshold) {
      const r = this.run;
      if (r !== null && t - r.end <= this.mergeGap) {
        r.end = t;
        if (a > r.peak) r.peak = a;
      } else {
        if (r !== null) this.overs.push(r);
        this.run = { start: t, end: t, peak: a };
      }
    }
  }
}

/** sum of ph[t] * buf[i - t], t < taps (a multiple of 4), in four partial sums so the multiply-adds overlap */
function dot4(ph: Float64Array, buf: Float64Array, i: number, taps: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let t = 0; t < taps; t += 4) {
    s0 += ph[t] * buf[i - t];
    s1 += ph[t + 1] * buf[i - t - 1];
    s2 += ph[t + 2] * buf[i - t - 2];
    s3 += ph[t + 3] * buf[i - t - 3];
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * The constants of the smooth-signal bound used by the Annex 2 kernel. With m the midpoint of the two
 * central taps' samples and d[j] = x[n - j] - x[n - j - 1] the first differences inside the taps,
 * every phase is exactly y = S m + sum_j g[j] d[j] (S = the phase's DC gain, g = partial sums of its
 * coefficients walking outwards from m), so |y| <= |S| |m| + ||g|| sqrt(sum d^2), and the central
 * sample itself is within |m| + |d|/2. Bass-heavy material (an LFE channel, brown noise) has small
 * differences where the centred-energy bound sees only large values, so this bound prunes it.
 */
export function smoothSignalBound(f: PolyphaseFilter): { gain: number; squaredNorm: number } {
  const taps = f.tapsPerPhase;
  const a = taps / 2 - 1; // the newer central tap; m sits between taps a and a + 1
  let gain = 1;
  let squaredNorm = 0.25;
  for (const h of f.phases) {
    let newer = 0;
    for (let t = 0; t <= a; t++) newer += h[t];
    let older = 0;
    for (let t = a + 1; t < taps; t++) older += h[t];
    gain = Math.max(gain, Math.abs(newer + older));
    let norm = ((newer - older) / 2) ** 2;
    let partial = 0;
    for (let j = 0; j < a; j++) {
      partial += h[j];
      norm += partial * partial;
    }
    partial = 0;
    for (let j = taps - 2; j > a; j--) {
      partial += h[j + 1];
      norm += partial * partial;
    }
    squaredNorm = Math.max(squaredNorm, norm);
  }
  return { gain, squaredNorm };
}
