import { type StepGrid, SUBS_PER_STEP } from "./step-grid.ts";

/** BS.1770: L = -0.691 + 10 log10(sum of G_i z_i); the offset cancels the K-filter gain at 997 Hz. */
export const LOUDNESS_OFFSET = -0.691;
export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;
export const LRA_RELATIVE_GATE_LU = -20;

export function loudnessOf(meanSquare: number): number {
  return LOUDNESS_OFFSET + 10 * Math.log10(meanSquare);
}

/** -Infinity (digital silence) becomes null in results. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * BS.1770-4 integrated loudness from the mean squares of the 400 ms gating blocks. Both gates are
 * strict `>` as the Recommendation writes them (libebur128 and ffmpeg use `>=`; it only matters for
 * synthetic edge cases). Exact: the block list itself is gated, no histogram.
 */
export function gatedLoudness(blockEnergies: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < blockEnergies.length; j++) {
    const e = blockEnergies[j];
    if (loudnessOf(e) > ABSOLUTE_GATE_LUFS) {
      sum += e;
      n++;
    }
  }
  if (n === 0) return -Infinity;
  const relativeGate = loudnessOf(sum / n) + RELATIVE_GATE_LU;
  let kept = 0;
  let k = 0;
  for (let j = 0; j < blockEnergies.length; j++) {
    const e = blockEnergies[j];
    const l = loudnessOf(e);
    if (l > ABSOLUTE_GATE_LUFS && l > relativeGate) {
      kept += e;
      k++;
    }
  }
  return k === 0 ? -Infinity : loudnessOf(kept / k);
}

/**
 * EBU Tech 3342 (2023) loudness range from short-term mean squares (3 s windows at 10 Hz).
 * Gates as Tech 3342 writes them: keep values >= -70 LUFS, then >= (energy mean of those) - 20 LU.
 * low/high = sorted[round((n - 1) * p)] for p = 0.10 / 0.95 (0-based, the MATLAB code's index).
 */
export function loudnessRange(shortTermEnergies: ArrayLike<number>): number | null {
  const kept: number[] = [];
  let sum = 0;
  for (let j = 0; j < shortTermEnergies.length; j++) {
    const e = shortTermEnergies[j];
    if (loudnessOf(e) >= ABSOLUTE_GATE_LUFS) {
      kept.push(e);
      sum += e;
    }
  }
  if (kept.length === 0) return null;
  const relativeGate = loudnessOf(sum / kept.length) + LRA_RELATIVE_GATE_LU;
  const values = kept.map(loudnessOf).filter((l) => l >= relativeGate);
  values.sort((a, b) => a - b);
  const n = values.length;
  const low = values[Math.round((n - 1) * 0.1)];
  const high = values[Math.round((n - 1) * 0.95)];
  return high - low;
}

export interface LoudnessSummary {
  stepEnergies: Float64Array;
  momentarySeries: Float64Array;
  shortTermSeries: Float64Array;
  integrated: number;
  loudnessRange: number | null;
  maxMomentary: number;
  maxShortTerm: number;
}

const MOMENTARY_STEPS = 4;
const SHORT_TERM_STEPS = 30;

/** Sub-steps kept for the max M / max S windows (a power of two >= the 300 of a 3 s window). */
const SUB_RING = 512;
/** Step sums are stored in blocks of this many steps (chunked growth, no doubling copies). */
const STEP_BLOCK = 4096;

/**
 * Everything loudness derives from the channel-weighted K-weighted sums of squares per 10 ms
 * sub-step, fed one sub-step at a time in order (`add(e)` for sub-step q = 0, 1, ... of the StepGrid).
 * Memory is flat in the file's length apart from one sum per 100 ms step (what integrated loudness,
 * LRA and the dialogue gate need): sub-step detail is kept only in a ring of the last SUB_RING
 * sub-steps, enough for the max M and max S windows, which are evaluated as each sub-step arrives.
 *
 * Series: value at the end of each complete 100 ms step, the window reaching back 400 ms / 3 s with
 * the time before the file start counted as silence (a meter reset at the start, as libebur128).
 * Max M and max S: on the 10 ms hop, over windows ending at or after 400 ms (windows that would
 * start before 0 count the missing part as silence). Integrated: gating blocks every 100 ms that lie
 * wholly inside the file; the last incomplete step is dropped. LRA: complete 3 s windows at 10 Hz.
 */
export class LoudnessAccumulator {
  private readonly grid: StepGrid;
  private readonly ring = new Float64Array(SUB_RING);
  private readonly stepBlocks: Float64Array[] = [];
  private subCount = 0;
  private steps = 0;
  /** running sum of the open step's sub-steps (0 + e0 + e1 + ..., as a fresh sum would add them) */
  private openStep = 0;
  private bestMomentary = -Infinity;
  private bestShortTerm = -Infinity;

  constructor(grid: StepGrid) {
    this.grid = grid;
  }

  /** the weighted energy of the next sub-step */
  add(e: number): void {
    const q = this.subCount;
    this.ring[q & (SUB_RING - 1)] = e;
    this.openStep += e;
    const end = q + 1;
    this.subCount = end;
    if (end % SUBS_PER_STEP === 0) {
      const k = this.steps;
      if (k % STEP_BLOCK === 0) this.stepBlocks.push(new Float64Array(STEP_BLOCK));
      this.stepBlocks[(k - (k % STEP_BLOCK)) / STEP_BLOCK][k % STEP_BLOCK] = this.openStep;
      this.steps = k + 1;
      this.openStep = 0;
    }
    if (end >= MOMENTARY_STEPS * SUBS_PER_STEP) {
      const m = this.windowEnergy(end, MOMENTARY_STEPS);
      if (m > this.bestMomentary) this.bestMomentary = m;
      const s = this.windowEnergy(end, SHORT_TERM_STEPS);
      if (s > this.bestShortTerm) this.bestShortTerm = s;
    }
  }

  private stepSum(k: number): number {
    return this.stepBlocks[(k - (k % STEP_BLOCK)) / STEP_BLOCK][k % STEP_BLOCK];
  }

  /**
   * Mean square of the window of `steps` 100 ms steps ending at sub-step `end` (exclusive). The sum
   * is built from whole-step sums plus the sub-steps at either end (<= 9 + steps + 9 additions, not
   * 10 * steps), always in this order, so the result does not depend on how the file was chunked.
   */
  private windowEnergy(end: number, steps: number): number {
    const { grid, ring } = this;
    const len = steps * SUBS_PER_STEP;
    const from = Math.max(0, end - len);
    let s = 0;
    const firstWhole = Math.ceil(from / SUBS_PER_STEP);
    const lastWhole = Math.floor(end / SUBS_PER_STEP);
    if (firstWhole >= lastWhole) {
      for (let q = from; q < end; q++) s += ring[q & (SUB_RING - 1)];
    } else {
      for (let q = from; q < firstWhole * SUBS_PER_STEP; q++) s += ring[q & (SUB_RING - 1)];
      for (let k = firstWhole; k < lastWhole; k++) s += this.stepSum(k);
      for (let q = lastWhole * SUBS_PER_STEP; q < end; q++) s += ring[q & (SUB_RING - 1)];
    }
    // a full window spans its real sample count (10 ms sub-steps differ by one sample at odd rates)
    const samples = end >= len ? grid.subStart(end) - grid.subStart(end - len) : steps * grid.step;
    return s / samples;
  }

  summary(): LoudnessSummary {
    const step = this.grid.step;
    const steps = this.steps;
    const stepSums = new Float64Array(steps);
    this.stepBlocks.forEach((b, i) => {
      const from = i * STEP_BLOCK;
      stepSums.set(from + STEP_BLOCK <= steps ? b : b.subarray(0, steps - from), from);
    });
    const stepEnergies = stepSums.map((s) => s / step);
    const windowMean = (k: number, len: number): number => {
      let s = 0;
      for (let j = Math.max(0, k - len + 1); j <= k; j++) s += stepSums[j];
      return s / (len * step);
    };
    const momentarySeries = new Float64Array(steps);
    const shortTermSeries = new Float64Array(steps);
    const blocks = new Float64Array(Math.max(0, steps - MOMENTARY_STEPS + 1));
    const shortTerm = new Float64Array(Math.max(0, steps - SHORT_TERM_STEPS + 1));
    for (let k = 0; k < steps; k++) {
      const m = windowMean(k, MOMENTARY_STEPS);
      const s = windowMean(k, SHORT_TERM_STEPS);
      momentarySeries[k] = loudnessOf(m);
      shortTermSeries[k] = loudnessOf(s);
      if (k >= MOMENTARY_STEPS - 1) blocks[k - MOMENTARY_STEPS + 1] = m;
      if (k >= SHORT_TERM_STEPS - 1) shortTerm[k - SHORT_TERM_STEPS + 1] = s;
    }
    return {
      stepEnergies,
      momentarySeries,
      shortTermSeries,
      integrated: gatedLoudness(blocks),
      loudnessRange: loudnessRange(shortTerm),
      maxMomentary: loudnessOf(this.bestMomentary),
      maxShortTerm: loudnessOf(this.bestShortTerm),
    };
  }
}

/** The summary of a whole array of sub-step energies (`subEnergies[q]`, q < subCount). */
export function summariseLoudness(
  grid: StepGrid,
  subEnergies: Float64Array,
  subCount: number,
): LoudnessSummary {
  const acc = new LoudnessAccumulator(grid);
  for (let q = 0; q < subCount; q++) acc.add(subEnergies[q]);
  return acc.summary();
}
