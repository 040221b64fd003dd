import type { PcmEncoding } from "../types.ts";
import { decodeInterleaved } from "./decode.ts";
import { KWeightingFilter, sumSquaresPair } from "./k-weighting.ts";
import { StepGrid } from "./step-grid.ts";
import { type OverRun, type TruePeakFilterKind, TruePeakMeter, type TruePeakVariant } from "./true-peak.ts";

/** Optimised paths that differential tests switch off; each defaults to on. */
export interface EngineVariant extends TruePeakVariant {
  /** K-weighting two channels per loop */
  pairKWeighting?: boolean;
}

/** What a group of channels needs to know; plain data so it can be posted to a worker. */
export interface ChannelGroupConfig {
  encoding: PcmEncoding;
  sampleRate: number;
  /** channels in the file */
  channels: number;
  /** the file channels this group measures */
  subset: number[];
  /** BS.1770 weight per subset channel (0 skips K-weighting, e.g. LFE) */
  weights: number[];
  truePeakFilter: TruePeakFilterKind;
  /** linear over threshold */
  overThreshold: number;
  /** overs closer than this merge into one run (input samples) */
  overMergeGap: number;
  /** differential tests: switch off optimised paths (results must not change) */
  variant?: EngineVariant;
}

export interface ChunkEnergies {
  frames: number;
  /** first sub-step completed by this chunk */
  firstSub: number;
  /** K-weighted sums of squares per completed sub-step, channel-major: [c * count + j] */
  energies: Float64Array;
  count: number;
}

/** The sub-step energies a chunk completes (ChunkEnergies without the frame count). */
type SubEnergies = Omit<ChunkEnergies, "frames">;

/** Frames per slice of a chunk (6 channels x 4096 doubles = 192 KB of decoded samples). */
const SLICE_FRAMES = 4096;

export interface ChannelPeakResult {
  samplePeak: number;
  truePeak: number;
  overs: OverRun[];
}

/**
 * Decodes and measures a subset of the channels of every chunk: per-channel K-weighted energy per
 * 10 ms sub-step, sample peak and true peak. Runs on a worker thread or inline; either way the
 * numbers are the same bit for bit (each channel's sums run in sample order, whatever the chunking).
 */
export class ChannelGroup {
  private readonly cfg: ChannelGroupConfig;
  private readonly grid: StepGrid;
  /** indices (into subset) of the channels that count for loudness, processed in pairs */
  private readonly weighted: number[];
  private readonly filters: KWeightingFilter[];
  private readonly peaks: TruePeakMeter[];
  /** running sum of the open sub-step, per subset channel */
  private readonly open: Float64Array;
  private readonly pair = new Float64Array(2);
  private frames = 0;
  private subsDone = 0;

  constructor(cfg: ChannelGroupConfig) {
    this.cfg = cfg;
    this.grid = new StepGrid(cfg.sampleRate);
    this.weighted = cfg.subset.map((_, i) => i).filter((i) => cfg.weights[i] > 0);
    this.filters = cfg.subset.map(() => new KWeightingFilter(cfg.sampleRate));
    this.peaks = cfg.subset.map(
      () =>
        new TruePeakMeter(
          cfg.truePeakFilter,
          cfg.sampleRate,
          cfg.overThreshold,
          cfg.overMergeGap,
          cfg.variant ?? {},
        ),
    );
    this.open = new Float64Array(cfg.subset.length);
  }

  process(chunk: Uint8Array): ChunkEnergies {
    const { cfg, grid } = this;
    const bytesPerFrame = (cfg.encoding.bitsPerSample / 8) * cfg.channels;
    if (chunk.byteLength % bytesPerFrame !== 0) throw new RangeError("chunk is not a whole number of frames");
    const frameCount = chunk.byteLength / bytesPerFrame;
    const firstSub = this.subsDone;
    const count = grid.completeSubs(this.frames + frameCount) - firstSub;
    const out: SubEnergies = { energies: new Float64Array(count * cfg.subset.length), firstSub, count };
    // Slices keep decode, K-weighting and true peak working on the same few hundred KB (cache-resident)
    // instead of streaming a whole chunk through memory three times.
    for (let off = 0; off < frameCount; off += SLICE_FRAMES) {
      const len = Math.min(SLICE_FRAMES, frameCount - off);
      // decode straight into each true-peak meter's buffer (behind its filter history)
      const x = this.peaks.map((p) => p.input(len));
      decodeInterleaved(
        chunk.subarray(off * bytesPerFrame, (off + len) * bytesPerFrame),
        cfg.encoding,
        cfg.channels,
        x,
        cfg.subset,
      );
      const start = this.frames;
      const fromSub = this.subsDone;
      const toSub = grid.completeSubs(start + len);
      const w = this.weighted;
      const paired = cfg.variant?.pairKWeighting ?? true;
      for (let k = 0; k < w.length; ) {
        if (paired && k + 1 < w.length) {
          this.weighPair(w[k], w[k + 1], x, start, len, fromSub, toSub, out);
          k += 2;
        } else {
          this.weighOne(w[k], x, start, len, fromSub, toSub, out);
          k += 1;
        }
      }
      for (const p of this.peaks) p.commit(len);
      this.frames = start + len;
      this.subsDone = toSub;
    }
    return { frames: frameCount, ...out };
  }

  finish(): ChannelPeakResult[] {
    return this.peaks.map((p) => {
      p.finish();
      return { samplePeak: p.samplePeak, truePeak: p.truePeak, overs: p.overs };
    });
  }

  private weighOne(
    c: number,
    x: Float64Array[],
    start: number,
    frameCount: number,
    firstSub: number,
    lastSub: number,
    out: SubEnergies,
  ): void {
    const filter = this.filters[c];
    const { energies, count } = out;
    const at = c * count - out.firstSub;
    let acc = this.open[c];
    let pos = 0;
    for (let q = firstSub; q < lastSub; q++) {
      const subEnd = this.grid.subStart(q + 1) - start;
      energies[at + q] = filter.sumSquares(x[c], pos, subEnd, acc);
      acc = 0;
      pos = subEnd;
      filter.flushDenormals();
    }
    this.open[c] = filter.sumSquares(x[c], pos, frameCount, acc);
  }

  private weighPair(
    a: number,
    b: number,
    x: Float64Array[],
    start: number,
    frameCount: number,
    firstSub: number,
    lastSub: number,
    out: SubEnergies,
  ): void {
    const fa = this.filters[a];
    const fb = this.filters[b];
    const { energies, count } = out;
    const sums = this.pair;
    sums[0] = this.open[a];
    sums[1] = this.open[b];
    let pos = 0;
    for (let q = firstSub; q < lastSub; q++) {
      const subEnd = this.grid.subStart(q + 1) - start;
      sumSquaresPair(fa, fb, x[a], x[b], pos, subEnd, sums);
      energies[a * count + (q - out.firstSub)] = sums[0];
      energies[b * count + (q - out.firstSub)] = sums[1];
      sums[0] = 0;
      sums[1] = 0;
      pos = subEnd;
      fa.flushDenormals();
      fb.flushDenormals();
    }
    sumSquaresPair(fa, fb, x[a], x[b], pos, frameCount, sums);
    this.open[a] = sums[0];
    this.open[b] = sums[1];
  }
}
