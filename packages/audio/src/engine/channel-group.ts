import type { PcmEncoding } from "../types.ts";
import { decodeInterleaved } from "./decode.ts";
import { KWeightingFilter } from "./k-weighting.ts";
import { StepGrid } from "./step-grid.ts";
import { type OverRun, type TruePeakFilterKind, TruePeakMeter } from "./true-peak.ts";

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
  /** false disables the exact true-peak pruning (differential tests) */
  prune?: boolean;
}

export interface ChunkEnergies {
  frames: number;
  /** first sub-step completed by this chunk */
  firstSub: number;
  /** K-weighted sums of squares per completed sub-step, channel-major: [c * count + j] */
  energies: Float64Array;
  count: number;
}

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
  private readonly filters: (KWeightingFilter | null)[];
  private readonly peaks: TruePeakMeter[];
  private decoded: Float64Array[];
  /** running sum of the open sub-step, per channel */
  private readonly open: Float64Array;
  private frames = 0;
  private subsDone = 0;

  constructor(cfg: ChannelGroupConfig) {
    this.cfg = cfg;
    this.grid = new StepGrid(cfg.sampleRate);
    this.filters = cfg.weights.map((w) => (w > 0 ? new KWeightingFilter(cfg.sampleRate) : null));
    this.peaks = cfg.subset.map(
      () =>
        new TruePeakMeter(
          cfg.truePeakFilter,
          cfg.sampleRate,
          cfg.overThreshold,
          cfg.overMergeGap,
          cfg.prune ?? true,
        ),
    );
    this.decoded = cfg.subset.map(() => new Float64Array(0));
    this.open = new Float64Array(cfg.subset.length);
  }

  process(chunk: Uint8Array): ChunkEnergies {
    const { cfg, grid } = this;
    const bytesPerFrame = (cfg.encoding.bitsPerSample / 8) * cfg.channels;
    if (chunk.byteLength % bytesPerFrame !== 0) throw new RangeError("chunk is not a whole number of frames");
    const frameCount = chunk.byteLength / bytesPerFrame;
    if (this.decoded[0].length < frameCount)
      this.decoded = cfg.subset.map(() => new Float64Array(frameCount));
    decodeInterleaved(chunk, cfg.encoding, cfg.channels, this.decoded, cfg.subset);
    const start = this.frames;
    const end = start + frameCount;
    const firstSub = this.subsDone;
    const lastSub = grid.completeSubs(end);
    const count = lastSub - firstSub;
    const energies = new Float64Array(count * cfg.subset.length);
    for (let c = 0; c < cfg.subset.length; c++) {
      const x = this.decoded[c];
      const filter = this.filters[c];
      if (filter) {
        let acc = this.open[c];
        let pos = 0;
        for (let q = firstSub; q < lastSub; q++) {
          const subEnd = grid.subStart(q + 1) - start;
          acc = filter.sumSquares(x, pos, subEnd, acc);
          energies[c * count + (q - firstSub)] = acc;
          acc = 0;
          pos = subEnd;
          filter.flushDenormals();
        }
        this.open[c] = filter.sumSquares(x, pos, frameCount, acc);
      }
      this.peaks[c].push(x, frameCount);
    }
    this.frames = end;
    this.subsDone = lastSub;
    return { frames: frameCount, firstSub, energies, count };
  }

  finish(): ChannelPeakResult[] {
    return this.peaks.map((p) => {
      p.finish();
      return { samplePeak: p.samplePeak, truePeak: p.truePeak, overs: p.overs };
    });
  }
}
