import type { PcmEncoding } from "../types.ts";
import { decodeInterleaved } from "./decode.ts";
import { KWeightingFilter, sumSquaresPair, sumSquaresTriple } from "./k-weighting.ts";
import { StepGrid, SUBS_PER_STEP } from "./step-grid.ts";
import {
  type BlockExtremes,
  type OverRun,
  type TruePeakFilterKind,
  TruePeakMeter,
  type TruePeakVariant,
} from "./true-peak.ts";

/** Optimised paths that differential tests switch off; each defaults to on. */
export interface EngineVariant extends TruePeakVariant {
  /** K-weighting two or three channels per loop */
  multiChannelKWeighting?: boolean;
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

/**
 * Groups channels for the K-weighting loops: threes (interleaving independent recursions hides their
 * latency), then pairs; 4 -> 2 + 2, 5 -> 3 + 2, 8 -> 3 + 3 + 2. Without `multi`, one at a time.
 */
function bundleChannels(channels: number[], multi: boolean): number[][] {
  const out: number[][] = [];
  let k = 0;
  while (k < channels.length) {
    const left = channels.length - k;
    const size = !multi ? 1 : left === 4 || left === 2 ? 2 : Math.min(3, left);
    out.push(channels.slice(k, k + size));
    k += size;
  }
  return out;
}

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
  /** the weighted channels grouped for the multi-channel K-weighting loops */
  private readonly bundles: number[][];
  private readonly sums = new Float64Array(3);
  /** per subset channel: extremes of the blocks of the current slice (see TruePeakMeter.commit) */
  private readonly blocks: BlockExtremes[];
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
    this.bundles = bundleChannels(this.weighted, cfg.variant?.multiChannelKWeighting ?? true);
    // one block per sub-step segment of a slice: at most slice / shortest sub-step + 2
    const maxBlocks = Math.ceil(SLICE_FRAMES / Math.max(1, Math.floor(this.grid.step / SUBS_PER_STEP))) + 2;
    this.blocks = cfg.subset.map(() => ({
      count: 0,
      ends: new Int32Array(maxBlocks),
      hi: new Float64Array(maxBlocks),
      lo: new Float64Array(maxBlocks),
    }));
  }

  /** Most sub-steps a chunk of `frameCount` frames can complete (sizes reusable output buffers). */
  static maxSubs(sampleRate: number, frameCount: number): number {
    const step = new StepGrid(sampleRate).step;
    return Math.ceil(frameCount / Math.max(1, Math.floor(step / SUBS_PER_STEP))) + 1;
  }

  /**
   * Measures one chunk. The energies go into `into` when it is given and large enough (a pooled
   * buffer: a fresh one per chunk, allocated on a worker and freed on the main thread, fragmented
   * the workers' malloc arenas and made resident memory grow with the file's length).
   */
  process(chunk: Uint8Array, into?: Float64Array): ChunkEnergies {
    const { cfg, grid } = this;
    const bytesPerFrame = (cfg.encoding.bitsPerSample / 8) * cfg.channels;
    if (chunk.byteLength % bytesPerFrame !== 0) throw new RangeError("chunk is not a whole number of frames");
    const frameCount = chunk.byteLength / bytesPerFrame;
    const firstSub = this.subsDone;
    const count = grid.completeSubs(this.frames + frameCount) - firstSub;
    const size = count * cfg.subset.length;
    const energies = into && into.length >= size ? into.subarray(0, size) : new Float64Array(size);
    const out: SubEnergies = { energies, firstSub, count };
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
      for (const b of this.blocks) b.count = 0;
      for (const bundle of this.bundles) this.weigh(bundle, x, start, len, fromSub, toSub, out);
      // weighted channels hand true peak the block extremes their K-weighting loop tracked
      this.peaks.forEach((p, c) => {
        p.commit(len, this.blocks[c].count > 0 ? this.blocks[c] : undefined);
      });
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

  /**
   * K-weights the channels of a bundle (1-3 channels run in one loop) over one slice and stores the
   * energy of every sub-step the slice completes.
   */
  private weigh(
    bundle: number[],
    x: Float64Array[],
    start: number,
    frameCount: number,
    fromSub: number,
    toSub: number,
    out: SubEnergies,
  ): void {
    const f = bundle.map((c) => this.filters[c]);
    const xs = bundle.map((c) => x[c]);
    const sums = this.sums;
    bundle.forEach((c, j) => {
      sums[j] = this.open[c];
    });
    const run = (from: number, to: number) => {
      if (bundle.length === 3) sumSquaresTriple(f[0], f[1], f[2], xs[0], xs[1], xs[2], from, to, sums);
      else if (bundle.length === 2) sumSquaresPair(f[0], f[1], xs[0], xs[1], from, to, sums);
      else sums[0] = f[0].sumSquares(xs[0], from, to, sums[0]);
      bundle.forEach((c, j) => {
        const b = this.blocks[c];
        b.ends[b.count] = to;
        b.hi[b.count] = f[j].extremes[0];
        b.lo[b.count] = f[j].extremes[1];
        b.count++;
      });
    };
    let pos = 0;
    for (let q = fromSub; q < toSub; q++) {
      const subEnd = this.grid.subStart(q + 1) - start;
      run(pos, subEnd);
      bundle.forEach((c, j) => {
        out.energies[c * out.count + (q - out.firstSub)] = sums[j];
        sums[j] = 0;
        f[j].flushDenormals();
      });
      pos = subEnd;
    }
    run(pos, frameCount);
    bundle.forEach((c, j) => {
      this.open[c] = sums[j];
    });
  }
}
