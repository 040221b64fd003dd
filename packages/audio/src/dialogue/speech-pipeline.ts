import { bytesPerSample, decodeInterleaved } from "../engine/index.ts";
import type { PcmFormat, SpeechResult } from "../types.ts";
import { BatchedVad, type BatchedVadOptions } from "./batched-vad.ts";
import { dialogueDownmix } from "./dialogue-channels.ts";
import { Resampler } from "./resampler.ts";
import { SileroModel, VAD_RATE } from "./silero-model.ts";
import { type SegmentOptions, speechResult } from "./speech-segments.ts";

export interface SpeechDetectorOptions extends SegmentOptions, BatchedVadOptions {
  signal?: AbortSignal;
}

export interface SpeechStats {
  /** 32 ms windows in the programme */
  windows: number;
  /** windows the model actually ran on, warm-up included */
  modelWindows: number;
  dialogueChannels: string;
}

/**
 * Raw interleaved chunks -> dialogue channels -> mono -> 16 kHz -> Silero -> 100 ms step flags.
 * Runs wherever it is created; speech-worker.ts runs it off the main thread.
 */
export class SpeechPipeline {
  private readonly format: PcmFormat;
  private readonly options: SpeechDetectorOptions;
  private readonly vad: BatchedVad;
  private readonly resampler: Resampler;
  private readonly downmix: ReturnType<typeof dialogueDownmix>;
  private readonly frameBytes: number;
  private planes: Float64Array[] = [];
  private mono = new Float32Array(0);
  private frames = 0;

  private constructor(format: PcmFormat, options: SpeechDetectorOptions, model: SileroModel) {
    this.format = format;
    this.options = options;
    this.vad = new BatchedVad(model, options);
    this.resampler = new Resampler(format.sampleRate, VAD_RATE);
    this.downmix = dialogueDownmix(format.channelLayout);
    this.frameBytes = bytesPerSample(format) * format.channels;
  }

  static async create(format: PcmFormat, options: SpeechDetectorOptions = {}): Promise<SpeechPipeline> {
    return new SpeechPipeline(format, options, await SileroModel.load());
  }

  async push(chunk: Uint8Array): Promise<void> {
    const frames = Math.floor(chunk.byteLength / this.frameBytes);
    if (frames * this.frameBytes !== chunk.byteLength) {
      throw new RangeError("speech detector: chunk is not a whole number of frames");
    }
    const { indices, gains } = this.downmix;
    if (this.planes.length === 0 || this.planes[0].length < frames) {
      this.planes = indices.map(() => new Float64Array(frames));
      this.mono = new Float32Array(frames);
    }
    decodeInterleaved(chunk, this.format, this.format.channels, this.planes, indices);
    const mono = this.mono.subarray(0, frames);
    const first = this.planes[0];
    const g0 = gains[0];
    for (let i = 0; i < frames; i++) mono[i] = first[i] * g0;
    for (let c = 1; c < indices.length; c++) {
      const plane = this.planes[c];
      const g = gains[c];
      for (let i = 0; i < frames; i++) mono[i] += plane[i] * g;
    }
    this.frames += frames;
    await this.vad.push(this.resampler.push(mono));
  }

  async finish(): Promise<{ result: SpeechResult; stats: SpeechStats }> {
    await this.vad.push(this.resampler.flush());
    const { probs, windows } = await this.vad.finish();
    const result = speechResult(
      probs,
      { sampleRate: this.format.sampleRate, frames: this.frames },
      this.options,
    );
    return {
      result,
      stats: { windows, modelWindows: this.vad.modelWindows, dialogueChannels: this.downmix.description },
    };
  }
}
