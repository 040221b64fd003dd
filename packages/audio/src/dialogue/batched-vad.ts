import { CONTEXT, SileroModel, WINDOW } from "./silero-model.ts";

/**
 * Runs Silero VAD over a 16 kHz stream fast enough to keep up with the meter.
 *
 * One model call per 32 ms window costs ~135 us in onnxruntime-node (one thread, quiet machine),
 * mostly per-call overhead; in batches of 16 / 64 windows it costs ~40 / ~37 us per window. A single
 * stream cannot be batched (the LSTM state carries from window to window), so the stream is cut into
 * blocks of BLOCK_WINDOWS windows (16.4 s) and up to LANES (32) blocks run side by side as independent
 * streams; 32 lanes buffer 524 s of 16 kHz audio (34 MB). Each block starts from a
 * zero state and first replays the WARMUP_WINDOWS windows (1 s) before it, whose outputs are thrown
 * away; the model settles well within that (dialogue-accuracy.test.ts compares 2 s blocks with one
 * unbroken stream).
 *
 * Skipping what cannot be speech: a window whose RMS is below the level floor (default -60 dBFS)
 * is non-speech without asking the model, and a block whose windows are all below the floor is not
 * run at all. Dialogue is mixed tens of dB above that floor; only pauses and silence sit below it.
 */

export const BLOCK_WINDOWS = 512;
export const WARMUP_WINDOWS = 32;
export const DEFAULT_LANES = 32;
const FRAME = CONTEXT + WINDOW;

export interface BatchedVadOptions {
  /** window RMS below this (dBFS) is non-speech without running the model */
  levelFloorDbfs?: number;
  /** blocks run side by side in one model call */
  lanes?: number;
  /** block length in 32 ms windows (default BLOCK_WINDOWS; tests vary it) */
  blockWindows?: number;
}

class GrowableFloat32 {
  data = new Float32Array(1024);
  length = 0;
  ensure(length: number): void {
    if (length <= this.data.length) return;
    const grown = new Float32Array(Math.max(length, this.data.length * 2));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

export class BatchedVad {
  private readonly model: SileroModel;
  private readonly floorMeanSquare: number;
  private readonly lanes: number;
  private readonly blockWindows: number;
  /** 16 kHz audio; audio.data[0] is absolute sample audioStart */
  private readonly audio = new GrowableFloat32();
  private audioStart = 0;
  private totalSamples = 0;
  /** per-window speech probability (0 for skipped windows) */
  private readonly probs = new GrowableFloat32();
  /** per-window: 1 when above the level floor */
  private loud = new Uint8Array(1024);
  private nextBlock = 0;
  private readonly pending: number[] = [];
  /** windows actually given to the model (for the benchmark and docs) */
  modelWindows = 0;

  constructor(model: SileroModel, options: BatchedVadOptions = {}) {
    this.model = model;
    this.floorMeanSquare = 10 ** ((options.levelFloorDbfs ?? -60) / 10);
    this.lanes = options.lanes ?? DEFAULT_LANES;
    this.blockWindows = options.blockWindows ?? BLOCK_WINDOWS;
  }

  async push(samples: Float32Array): Promise<void> {
    const { audio } = this;
    audio.ensure(audio.length + samples.length);
    audio.data.set(samples, audio.length);
    audio.length += samples.length;
    this.totalSamples += samples.length;
    while ((this.nextBlock + 1) * this.blockWindows * WINDOW <= this.totalSamples) this.schedule(false);
    while (this.pending.length >= this.lanes) await this.runBatch(this.pending.splice(0, this.lanes));
    this.trim();
  }

  /** probabilities per 32 ms window (window w covers 16 kHz samples [512 w, 512 w + 512)) */
  async finish(): Promise<{ probs: Float32Array; windows: number }> {
    const windows = Math.ceil(this.totalSamples / WINDOW);
    while (this.nextBlock * this.blockWindows < windows) this.schedule(true);
    while (this.pending.length > 0) await this.runBatch(this.pending.splice(0, this.lanes));
    this.probs.ensure(windows);
    return { probs: this.probs.data.slice(0, windows), windows };
  }

  /** decide whether the next block needs the model; records its windows' level flags */
  private schedule(final: boolean): void {
    const block = this.nextBlock++;
    const first = block * this.blockWindows;
    const end = final
      ? Math.min(first + this.blockWindows, Math.ceil(this.totalSamples / WINDOW))
      : first + this.blockWindows;
    if (this.loud.length < end) {
      const grown = new Uint8Array(Math.max(end, this.loud.length * 2));
      grown.set(this.loud);
      this.loud = grown;
    }
    this.probs.ensure(end);
    this.probs.length = end;
    let anyLoud = false;
    for (let w = first; w < end; w++) {
      const start = w * WINDOW;
      const stop = Math.min(start + WINDOW, this.totalSamples);
      let sum = 0;
      for (let i = start; i < stop; i++) {
        const s = this.audio.data[i - this.audioStart];
        sum += s * s;
      }
      const loud = sum / WINDOW > this.floorMeanSquare;
      this.loud[w] = loud ? 1 : 0;
      this.probs.data[w] = 0;
      anyLoud ||= loud;
    }
    if (anyLoud) this.pending.push(block);
  }

  private async runBatch(blocks: number[]): Promise<void> {
    const batch = blocks.length;
    const frames = new Float32Array(batch * FRAME);
    let state = SileroModel.initialState(batch);
    const windows = Math.ceil(this.totalSamples / WINDOW);
    // the last block of the stream may be short: stop when the earliest lane's block ends
    const steps = WARMUP_WINDOWS + Math.min(this.blockWindows, windows - blocks[0] * this.blockWindows);
    for (let step = 0; step < steps; step++) {
      for (let lane = 0; lane < batch; lane++)
        this.fillFrame(frames, lane, blocks[lane] * this.blockWindows - WARMUP_WINDOWS + step);
      const out = await this.model.step(frames, state, batch);
      state = out.state;
      this.modelWindows += batch;
      if (step < WARMUP_WINDOWS) continue;
      for (let lane = 0; lane < batch; lane++) {
        const w = blocks[lane] * this.blockWindows - WARMUP_WINDOWS + step;
        if (w < windows && this.loud[w] === 1) this.probs.data[w] = out.probs[lane];
      }
    }
  }

  /** context + window for window w into lane `lane`, zeros outside the signal */
  private fillFrame(frames: Float32Array, lane: number, w: number): void {
    const offset = lane * FRAME;
    const from = w * WINDOW - CONTEXT;
    if (from >= 0 && from + FRAME <= this.totalSamples) {
      const at = from - this.audioStart;
      frames.set(this.audio.data.subarray(at, at + FRAME), offset);
      return;
    }
    for (let i = 0; i < FRAME; i++) {
      const absolute = from + i;
      frames[offset + i] =
        absolute < 0 || absolute >= this.totalSamples ? 0 : this.audio.data[absolute - this.audioStart];
    }
  }

  /** drop audio that no pending or future block (with its warm-up and context) still needs */
  private trim(): void {
    const firstNeededBlock = this.pending.length > 0 ? this.pending[0] : this.nextBlock;
    const keepFrom = Math.max(0, (firstNeededBlock * this.blockWindows - WARMUP_WINDOWS) * WINDOW - CONTEXT);
    const drop = keepFrom - this.audioStart;
    if (drop <= 0) return;
    const { audio } = this;
    audio.data.copyWithin(0, drop, audio.length);
    audio.length -= drop;
    this.audioStart = keepFrom;
  }
}
