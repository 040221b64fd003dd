/**
 * One pass over a file or stream: reader -> analyzer (engine, on worker threads) [+ speech detector],
 * shaped into the MeasurementResult that `loupe measure --json` prints and the server stores.
 * Cancellable with an AbortSignal; on error or abort every worker and the reader are released.
 */
import { createAnalyzer } from "./engine/index.ts";
import type { AudioReader } from "./io/audio-reader.ts";
import { parseLayout } from "./io/channel-layout.ts";
import { AudioReadError } from "./io/errors.ts";
import { openAudioFile, openAudioStream } from "./io/open-audio.ts";
import { DEFAULT_FRAME_RATE, type FrameRate, parseFrameRate, secondsToTimecode } from "./timecode.ts";
import type {
  Analyzer,
  AnalyzerResult,
  ChannelLabel,
  MeasurementResult,
  PcmFormat,
  SpeechDetector,
  TruePeakFilter,
} from "./types.ts";

export const DEFAULT_OVER_THRESHOLD_DBTP = -1;

export interface MeasureProgress {
  sampleRate: number;
  /** PCM bytes handed to the analyzer so far */
  bytes: number;
  frames: number;
  /** when the container says how long it is */
  totalFrames?: number;
  /** 0..1 when totalFrames is known */
  fraction?: number;
}

export interface MeasureOptions {
  /** "reference" (BS.1770 Annex 2 table, default) or "high-precision" */
  truePeakFilter?: TruePeakFilter;
  /** list true-peak overs above this level, dBTP (default -1) */
  overThresholdDbtp?: number;
  /**
   * timecode rate of the overs: 23.976, 24, 25, 29.97, 29.97df, 30, 50, 59.94, 59.94df, 60; default: the
   * rate of the container's timecode track when there is one, else 25
   */
  frameRate?: string;
  /** channel roles, overriding the file: ["L","R","C"] or "L,R,C" */
  layout?: ChannelLabel[] | string;
  /** analyzer worker threads (0 = calling thread; default: the engine's choice) */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MeasureProgress) => void;
  /** also run speech detection and report dialogue-gated loudness (an approximation of Dolby DI) */
  dialogue?: boolean;
  /** measure a one-channel file as dual mono (+3.01 dB); other channel counts are a BAD_LAYOUT error */
  dualMono?: boolean;
  /** the name the result and errors carry (default: the path; "-" for streams) */
  name?: string;
}

export interface StreamMeasureOptions extends MeasureOptions {
  /** the stream is raw interleaved PCM in this format, not WAV */
  format?: PcmFormat;
}

/** The result plus what the command line prints besides it. */
export interface MeasurementReport {
  result: MeasurementResult;
  warnings: string[];
  /** momentary and short-term loudness at every 100 ms step end (LUFS, -Infinity allowed) */
  momentarySeries: Float64Array;
  shortTermSeries: Float64Array;
}

export async function measureFile(file: string, options: MeasureOptions = {}): Promise<MeasurementResult> {
  return (await analyseFile(file, options)).result;
}

export async function measureStream(
  stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: StreamMeasureOptions = {},
): Promise<MeasurementResult> {
  return (await analyseStream(stream, options)).result;
}

export async function analyseFile(file: string, options: MeasureOptions = {}): Promise<MeasurementReport> {
  const name = options.name ?? file;
  const { rate, layout } = checkOptions(name, options);
  options.signal?.throwIfAborted();
  const reader = await openAudioFile(file, { layout, name });
  return run(name, reader, rate, options);
}

export async function analyseStream(
  stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: StreamMeasureOptions = {},
): Promise<MeasurementReport> {
  const name = options.name ?? "-";
  const { rate, layout } = checkOptions(name, options);
  options.signal?.throwIfAborted();
  const reader = await openAudioStream(stream, { name, layout, format: options.format });
  return run(name, reader, rate, options);
}

/** `rate` is undefined when none was asked for: the container's timecode rate or the default applies. */
function checkOptions(file: string, options: MeasureOptions): { rate?: FrameRate; layout?: ChannelLabel[] } {
  const rate = options.frameRate === undefined ? undefined : parseFrameRate(options.frameRate);
  if (options.frameRate !== undefined && !rate)
    throw new RangeError(`unsupported frame rate "${options.frameRate}"`);
  if (typeof options.layout !== "string") return { rate, layout: options.layout };
  const parsed = parseLayout(options.layout);
  if ("error" in parsed) throw new AudioReadError("BAD_LAYOUT", file, parsed.error);
  return { rate, layout: parsed.labels };
}

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<never>; dispose: () => void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose: () => {} };
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

async function run(file: string, reader: AudioReader, asked: FrameRate | undefined, options: MeasureOptions) {
  const format = reader.format;
  const rate =
    asked ??
    (format.timecodeRate ? parseFrameRate(format.timecodeRate) : undefined) ??
    parseFrameRate(DEFAULT_FRAME_RATE)!;
  if (options.dualMono && format.channels !== 1) {
    await reader.close();
    throw new AudioReadError(
      "BAD_LAYOUT",
      file,
      `dual mono applies to a one-channel file; this one has ${format.channels} channels`,
    );
  }
  let analyzer: Analyzer | undefined;
  let detector: SpeechDetector | undefined;
  let dialogue: typeof import("./dialogue/index.ts") | undefined;
  const aborted = abortPromise(options.signal);
  try {
    analyzer = await createAnalyzer(format, {
      truePeakFilter: options.truePeakFilter,
      overThresholdDbtp: options.overThresholdDbtp ?? DEFAULT_OVER_THRESHOLD_DBTP,
      threads: options.threads,
      signal: options.signal,
      dualMono: options.dualMono,
    });
    if (options.dialogue) {
      // loaded only when asked: it brings onnxruntime and the Silero model
      dialogue = await import("./dialogue/index.ts");
      detector = dialogue.createSpeechDetector(format, { signal: options.signal });
    }
    const bytesPerFrame = (format.bitsPerSample / 8) * format.channels;
    const progress: MeasureProgress = {
      sampleRate: format.sampleRate,
      bytes: 0,
      frames: 0,
      totalFrames: format.totalFrames,
    };
    const chunks = reader.chunks()[Symbol.asyncIterator]();
    let pending = chunks.next();
    for (;;) {
      const next = await Promise.race([pending, aborted.promise]);
      if (next.done) break;
      const chunk = next.value;
      // read the following chunk while this one is measured
      pending = chunks.next();
      pending.catch(() => {});
      await Promise.race([Promise.all([detector?.push(chunk), analyzer.push(chunk)]), aborted.promise]);
      // both have taken what they need once push() resolved (the engine copies into shared memory, the
      // detector posts a copy), so the buffer can be refilled: memory stays flat instead of leaving
      // dead 2 MB buffers to the garbage collector
      reader.recycle(chunk);
      progress.bytes += chunk.length;
      progress.frames += chunk.length / bytesPerFrame;
      if (progress.totalFrames) progress.fraction = Math.min(1, progress.frames / progress.totalFrames);
      options.onProgress?.({ ...progress });
    }
    const [measured, speech] = await Promise.race([
      Promise.all([analyzer.finish(), detector?.finish()]),
      aborted.promise,
    ]);
    analyzer = undefined;
    detector = undefined;
    const result = shape(file, reader, measured, rate, options);
    if (speech && dialogue) {
      const gated = dialogue.dialogueGatedLoudness(measured.stepEnergies, speech);
      result.dialogueGatedLufs = gated.dialogueGatedLufs;
      result.speechPercent = gated.speechPercent;
      result.speechIntervals = gated.speechIntervals;
    }
    return {
      result,
      warnings: reader.warnings,
      momentarySeries: measured.momentarySeries,
      shortTermSeries: measured.shortTermSeries,
    };
  } finally {
    aborted.dispose();
    await Promise.allSettled([analyzer?.destroy(), detector?.destroy(), reader.close()]);
  }
}

function shape(
  file: string,
  reader: AudioReader,
  measured: AnalyzerResult,
  rate: FrameRate,
  options: MeasureOptions,
): MeasurementResult {
  const format = reader.format;
  const timecode = (seconds: number) =>
    secondsToTimecode(seconds, format.sampleRate, rate, format.timeReferenceSamples ?? 0);
  return {
    file,
    format: {
      container: format.container,
      codec: format.codec,
      sampleRate: format.sampleRate,
      bitDepth: reader.bitDepth,
      channels: format.channels,
      channelLayout: format.channelLayout,
      layoutSource: format.layoutSource,
      startTimecode: timecode(0),
      timecodeOrigin:
        format.timeReferenceSamples === undefined ? "zero" : (format.timeReferenceSource ?? "bwf"),
      frameRate: rate.name,
    },
    durationSeconds: measured.frames / format.sampleRate,
    integratedLufs: measured.integratedLufs,
    loudnessRangeLu: measured.loudnessRangeLu,
    maxMomentaryLufs: measured.maxMomentaryLufs,
    maxShortTermLufs: measured.maxShortTermLufs,
    truePeakDbtp: measured.truePeakDbtp,
    samplePeakDbfs: measured.samplePeakDbfs,
    truePeakFilter: options.truePeakFilter ?? "reference",
    channels: measured.channels,
    truePeakOvers: measured.truePeakOvers.map((over) => ({
      ...over,
      startTimecode: timecode(over.startSeconds),
      endTimecode: timecode(over.endSeconds),
    })),
    ...(options.dualMono ? { dualMono: true as const } : {}),
  };
}
