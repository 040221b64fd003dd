import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type {
  Analyzer,
  AnalyzerOptions,
  AnalyzerResult,
  ChannelLabel,
  ChannelPeaks,
  PcmFormat,
  TruePeakOver,
} from "../types.ts";
import {
  ChannelGroup,
  type ChannelGroupConfig,
  type ChannelPeakResult,
  type ChunkEnergies,
  type EngineVariant,
} from "./channel-group.ts";
import { channelWeight, standardLayout } from "./channels.ts";
import { EnergyCombiner } from "./combine.ts";
import { bytesPerSample } from "./decode.ts";
import { finiteOrNull } from "./loudness.ts";
import { StepGrid } from "./step-grid.ts";
import { analyzerWorkerUrl } from "./worker-source.ts";

/** Overs on one channel closer than this merge into one reported range. */
export const OVER_MERGE_SECONDS = 0.01;
/** Chunks posted to workers but not yet measured before push() waits (bounds memory). */
const MAX_IN_FLIGHT = 3;
/** Shared chunk buffers up to this size are reused. */
const POOLED_BUFFER_MAX = 64 * 1024 * 1024;

/** Internal knobs for differential tests (not part of the public options). */
export interface EngineTuning {
  variant?: EngineVariant;
  /** the calling thread measures the last channel group itself, next to threads - 1 workers
   * (the default when options.threads is not given) */
  callingThreadMeasures?: boolean;
}

/**
 * Creates an analyzer for one stream. The channels are split into contiguous groups, each measured
 * by one thread from the same shared raw chunk (each thread decodes only its own channels):
 *   options.threads = N >= 1: N worker threads;
 *   options.threads = 0: everything on the calling thread;
 *   options.threads not given: one group per core (at most one per channel), the calling thread
 *   measuring the last group and workers the others.
 * All give bit-identical results. push() copies or consumes the chunk before it returns, so the
 * caller may reuse the chunk's buffer as soon as push() has been called.
 */
export function createAnalyzer(
  format: PcmFormat,
  options: AnalyzerOptions = {},
  tuning: EngineTuning = {},
): Analyzer {
  bytesPerSample(format);
  if (!Number.isInteger(format.channels) || format.channels < 1)
    throw new RangeError("channels must be >= 1");
  const layout: ChannelLabel[] =
    format.channelLayout?.length === format.channels ? format.channelLayout : standardLayout(format.channels);
  if (options.dualMono && format.channels !== 1)
    throw new RangeError(`dual mono applies to one-channel audio, not ${format.channels} channels`);
  // dual mono: the one channel stands for two equal loudspeaker feeds
  const weights = options.dualMono ? [2] : layout.map(channelWeight);
  // Default: one measuring thread per core, the calling thread being one of them (it has to read and
  // copy the chunks anyway; a pure-worker split started one worker more and measured ~15 % more CPU).
  const hybrid = tuning.callingThreadMeasures ?? options.threads === undefined;
  const threads = Math.min(options.threads ?? availableParallelism(), format.channels);
  const groupCount = Math.max(1, threads);
  const subsets = splitChannels(format.channels, groupCount);
  const overThresholdDbtp = options.overThresholdDbtp ?? -1.0;
  const configs: ChannelGroupConfig[] = subsets.map((subset) => ({
    encoding: { sampleType: format.sampleType, bitsPerSample: format.bitsPerSample },
    sampleRate: format.sampleRate,
    channels: format.channels,
    subset,
    weights: subset.map((c) => weights[c]),
    truePeakFilter: options.truePeakFilter ?? "reference",
    overThreshold: 10 ** (overThresholdDbtp / 20),
    overMergeGap: Math.round(OVER_MERGE_SECONDS * format.sampleRate),
    variant: tuning.variant,
  }));
  const combiner = new EnergyCombiner(weights, subsets, new StepGrid(format.sampleRate));
  // with one group and the default threading (one core, or mono) the calling thread does it all
  const backend =
    threads === 0 || (hybrid && configs.length === 1)
      ? new InlineBackend(configs)
      : hybrid
        ? new HybridBackend(configs)
        : new WorkerBackend(configs, options.signal);
  const assemble = (frames: number, peaks: ChannelPeakResult[][]) =>
    buildResult(format, layout, frames, combiner, subsets, peaks);
  return new StreamAnalyzer(backend, combiner, format, assemble, options.signal);
}

/** Contiguous, balanced channel groups: 6 channels on 2 threads -> [0,1,2], [3,4,5]. */
function splitChannels(channels: number, groups: number): number[][] {
  const out: number[][] = [];
  let next = 0;
  for (let g = 0; g < groups; g++) {
    const size = Math.floor(channels / groups) + (g < channels % groups ? 1 : 0);
    out.push(Array.from({ length: size }, (_, i) => next + i));
    next += size;
  }
  return out;
}

interface Backend {
  /** measures a chunk; resolves with each group's energies once all groups are done with it */
  process(chunk: Uint8Array): Promise<ChunkEnergies[]> | ChunkEnergies[];
  /** waits for queued chunks first */
  finish(): Promise<ChannelPeakResult[][]>;
  destroy(reason?: unknown): Promise<void>;
  /** the chunk's energies have been combined: their buffers may be reused */
  release(parts: ChunkEnergies[]): void;
}

class InlineBackend implements Backend {
  private readonly groups: ChannelGroup[];
  constructor(configs: ChannelGroupConfig[]) {
    this.groups = configs.map((c) => new ChannelGroup(c));
  }
  process(chunk: Uint8Array): ChunkEnergies[] {
    return this.groups.map((g) => g.process(chunk));
  }
  async finish(): Promise<ChannelPeakResult[][]> {
    return this.groups.map((g) => g.finish());
  }
  async destroy(): Promise<void> {}
  release(): void {}
}

/**
 * The calling thread measures the last channel group while workers measure the others: one worker
 * fewer to start, and no thread waiting idle for its workers.
 */
class HybridBackend implements Backend {
  private readonly local: ChannelGroup;
  private readonly remote: WorkerBackend;
  constructor(configs: ChannelGroupConfig[]) {
    this.local = new ChannelGroup(configs[configs.length - 1]);
    this.remote = new WorkerBackend(configs.slice(0, -1));
  }
  process(chunk: Uint8Array): Promise<ChunkEnergies[]> {
    const remote = this.remote.process(chunk); // copies the chunk and posts it before we start
    const local = this.local.process(chunk);
    return remote.then((parts) => [...parts, local]);
  }
  async finish(): Promise<ChannelPeakResult[][]> {
    const remote = await this.remote.finish();
    return [...remote, this.local.finish()];
  }
  destroy(reason?: unknown): Promise<void> {
    return this.remote.destroy(reason);
  }
  release(parts: ChunkEnergies[]): void {
    this.remote.release(parts.slice(0, -1));
  }
}

interface Pending {
  parts: ChunkEnergies[];
  /** per worker, the shared buffer its energies are written to */
  outs: SharedArrayBuffer[];
  remaining: number;
  resolve: (parts: ChunkEnergies[]) => void;
  reject: (err: unknown) => void;
}

type WorkerReply =
  | { type: "chunk"; seq: number; result: Omit<ChunkEnergies, "energies"> }
  | { type: "result"; peaks: ChannelPeakResult[] }
  | { type: "error"; message: string };

class WorkerBackend implements Backend {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private readonly pool: SharedArrayBuffer[] = [];
  /** energy output buffers, reused once their chunk is combined (see ChannelGroup.process) */
  private readonly outPool: SharedArrayBuffer[] = [];
  private readonly configs: ChannelGroupConfig[];
  private readonly frameBytes: number;
  private seq = 0;
  private failure: unknown = null;
  private finishing: { results: ChannelPeakResult[][]; remaining: number; resolve: () => void } | null = null;
  private finishReject: ((err: unknown) => void) | null = null;

  constructor(configs: ChannelGroupConfig[], signal?: AbortSignal) {
    void signal;
    this.configs = configs;
    this.frameBytes = bytesPerSample(configs[0].encoding) * configs[0].channels;
    this.workers = configs.map((config, g) => {
      const w = new Worker(analyzerWorkerUrl());
      w.on("message", (msg: WorkerReply) => this.onMessage(g, msg));
      w.on("error", (err) => this.fail(err));
      w.on("exit", (code) => {
        if (code !== 0 && this.failure === null)
          this.fail(new Error(`analyzer worker exited with code ${code}`));
      });
      w.postMessage({ type: "init", config });
      return w;
    });
  }

  process(chunk: Uint8Array): Promise<ChunkEnergies[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    // One copy into shared memory; every worker reads its own channels from it. The shared buffers
    // are pooled: a fresh SharedArrayBuffer per chunk (allocation + page faults) cost the main
    // thread more than a worker's whole share of the measurement.
    const shared = this.takeBuffer(chunk.byteLength);
    new Uint8Array(shared, 0, chunk.byteLength).set(chunk);
    const seq = this.seq++;
    const maxSubs = ChannelGroup.maxSubs(this.configs[0].sampleRate, chunk.byteLength / this.frameBytes);
    const outs = this.configs.map((c) => this.takeOut(maxSubs * c.subset.length * 8));
    return new Promise<ChunkEnergies[]>((resolve, reject) => {
      const done = (parts: ChunkEnergies[]) => {
        if (shared.byteLength <= POOLED_BUFFER_MAX) this.pool.push(shared);
        resolve(parts);
      };
      this.pending.set(seq, { parts: [], outs, remaining: this.workers.length, resolve: done, reject });
      this.workers.forEach((w, g) => {
        w.postMessage({ type: "chunk", seq, buffer: shared, length: chunk.byteLength, out: outs[g] });
      });
    });
  }

  private takeOut(bytes: number): SharedArrayBuffer {
    const i = this.outPool.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.outPool.splice(i, 1)[0];
    return new SharedArrayBuffer(bytes);
  }

  release(parts: ChunkEnergies[]): void {
    for (const p of parts) {
      const b = p.energies.buffer;
      if (b instanceof SharedArrayBuffer && b.byteLength <= POOLED_BUFFER_MAX) this.outPool.push(b);
    }
  }

  private takeBuffer(bytes: number): SharedArrayBuffer {
    const i = this.pool.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return this.pool.splice(i, 1)[0];
    return new SharedArrayBuffer(bytes);
  }

  async finish(): Promise<ChannelPeakResult[][]> {
    if (this.failure !== null) throw this.failure;
    const results: ChannelPeakResult[][] = [];
    await new Promise<void>((resolve, reject) => {
      this.finishing = { results, remaining: this.workers.length, resolve };
      this.finishReject = reject;
      for (const w of this.workers) w.postMessage({ type: "finish" });
    });
    await this.destroy();
    return results;
  }

  async destroy(reason?: unknown): Promise<void> {
    if (reason !== undefined && this.failure === null) this.rejectAll(reason);
    if (this.failure === null) this.failure = new Error("analyzer destroyed");
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onMessage(g: number, msg: WorkerReply): void {
    if (msg.type === "chunk") {
      const p = this.pending.get(msg.seq);
      if (!p) return;
      const size = msg.result.count * this.configs[g].subset.length;
      p.parts[g] = { ...msg.result, energies: new Float64Array(p.outs[g], 0, size) };
      if (--p.remaining === 0) {
        this.pending.delete(msg.seq);
        p.resolve(p.parts);
      }
    } else if (msg.type === "result") {
      const f = this.finishing;
      if (!f) return;
      f.results[g] = msg.peaks;
      if (--f.remaining === 0) f.resolve();
    } else {
      this.fail(new Error(`analyzer worker failed: ${msg.message}`));
    }
  }

  private fail(err: unknown): void {
    if (this.failure !== null) return;
    this.rejectAll(err);
    for (const w of this.workers) void w.terminate();
  }

  private rejectAll(err: unknown): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.finishReject?.(err);
  }
}

/** The Analyzer: keeps chunk order, bounds the work in flight, handles abort. */
class StreamAnalyzer implements Analyzer {
  private readonly backend: Backend;
  private readonly combiner: EnergyCombiner;
  private readonly frameBytes: number;
  private readonly assemble: (frames: number, peaks: ChannelPeakResult[][]) => AnalyzerResult;
  private readonly signal?: AbortSignal;
  private readonly inFlight: Promise<void>[] = [];
  /** chunks combine strictly in order */
  private chain: Promise<void> = Promise.resolve();
  private frames = 0;
  private error: unknown = null;
  private done = false;
  private readonly onAbort = () => {
    const reason = this.signal?.reason ?? new DOMException("The operation was aborted", "AbortError");
    this.error ??= reason;
    void this.backend.destroy(reason);
  };

  constructor(
    backend: Backend,
    combiner: EnergyCombiner,
    format: PcmFormat,
    assemble: (frames: number, peaks: ChannelPeakResult[][]) => AnalyzerResult,
    signal?: AbortSignal,
  ) {
    this.backend = backend;
    this.combiner = combiner;
    this.frameBytes = bytesPerSample(format) * format.channels;
    this.assemble = assemble;
    this.signal = signal;
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.check();
    if (chunk.byteLength % this.frameBytes !== 0) {
      throw new RangeError(
        `chunk of ${chunk.byteLength} bytes is not a whole number of ${this.frameBytes}-byte frames`,
      );
    }
    if (chunk.byteLength === 0) return;
    this.frames += chunk.byteLength / this.frameBytes;
    const measured = Promise.resolve(this.backend.process(chunk));
    const step = this.chain.then(async () => {
      const parts = await measured;
      this.combiner.add(parts);
      this.backend.release(parts);
    });
    this.chain = step.catch(() => {});
    step.catch((err) => {
      this.error ??= err;
    });
    this.inFlight.push(step);
    if (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    this.check();
  }

  async finish(): Promise<AnalyzerResult> {
    this.check();
    try {
      await Promise.all(this.inFlight.splice(0));
      this.check();
      const peaks = await this.backend.finish();
      this.check();
      return this.assemble(this.frames, peaks);
    } finally {
      this.release();
    }
  }

  async destroy(): Promise<void> {
    this.error ??= new Error("analyzer destroyed");
    this.release();
    await this.backend.destroy();
  }

  private check(): void {
    if (this.error !== null) throw this.error;
    if (this.done) throw new Error("analyzer already finished");
  }

  private release(): void {
    this.done = true;
    this.signal?.removeEventListener("abort", this.onAbort);
  }
}

function toDb(linear: number): number | null {
  return finiteOrNull(20 * Math.log10(linear));
}

function buildResult(
  format: PcmFormat,
  layout: ChannelLabel[],
  frames: number,
  combiner: EnergyCombiner,
  subsets: number[][],
  peaks: ChannelPeakResult[][],
): AnalyzerResult {
  const fs = format.sampleRate;
  const summary = combiner.summary();
  const perChannel: ChannelPeakResult[] = [];
  subsets.forEach((subset, g) => {
    subset.forEach((ch, i) => {
      perChannel[ch] = peaks[g][i];
    });
  });
  const duration = frames / fs;
  const channels: ChannelPeaks[] = perChannel.map((p, ch) => ({
    label: layout[ch],
    truePeakDbtp: toDb(p.truePeak),
    samplePeakDbfs: toDb(p.samplePeak),
  }));
  const overs: TruePeakOver[] = [];
  perChannel.forEach((p, ch) => {
    for (const r of p.overs) {
      overs.push({
        channel: layout[ch],
        startSeconds: Math.min(duration, Math.max(0, r.start / fs)),
        endSeconds: Math.min(duration, Math.max(0, r.end / fs)),
        peakDbtp: 20 * Math.log10(r.peak),
      });
    }
  });
  overs.sort((a, b) => a.startSeconds - b.startSeconds);
  return {
    sampleRate: fs,
    frames,
    integratedLufs: finiteOrNull(summary.integrated),
    loudnessRangeLu: summary.loudnessRange,
    maxMomentaryLufs: finiteOrNull(summary.maxMomentary),
    maxShortTermLufs: finiteOrNull(summary.maxShortTerm),
    truePeakDbtp: toDb(Math.max(0, ...perChannel.map((p) => p.truePeak))),
    samplePeakDbfs: toDb(Math.max(0, ...perChannel.map((p) => p.samplePeak))),
    channels,
    truePeakOvers: overs,
    stepEnergies: summary.stepEnergies,
    momentarySeries: summary.momentarySeries,
    shortTermSeries: summary.shortTermSeries,
  };
}
