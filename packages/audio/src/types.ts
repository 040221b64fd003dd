/**
 * The contracts between the parts of the audio library:
 *   io/        reads containers and yields raw interleaved PCM chunks of whole frames (PcmFormat)
 *   engine/    decodes those chunks and measures them (Analyzer), on worker threads
 *   dialogue/  detects speech on the same chunks (SpeechDetector) and gates loudness with it
 *   measure.ts wires them together in one pass over the file and shapes MeasurementResult
 * Nothing here may import from the server: the library is pure.
 */

/** Channel labels as printed in results. Order of a layout = order of channels in the file. */
export type ChannelLabel =
  | "L"
  | "R"
  | "C"
  | "LFE"
  | "Ls"
  | "Rs"
  | "Lrs"
  | "Rrs"
  | "Lss"
  | "Rss"
  | "Cs"
  | "Lw"
  | "Rw"
  | "Ltf"
  | "Rtf"
  | "Ctf"
  | "Ltr"
  | "Rtr"
  | "Ctr"
  | "Tc"
  | "LFE2"
  | "M"
  | (string & {});

/** How samples are stored in the raw chunks handed to the engine. Always little-endian, interleaved. */
export interface PcmEncoding {
  /** "int": signed PCM (8-bit WAV is unsigned and is converted by the reader); "float": IEEE float */
  sampleType: "int" | "float";
  /** 16, 24, 32 for int; 32, 64 for float */
  bitsPerSample: number;
}

export interface PcmFormat extends PcmEncoding {
  sampleRate: number;
  channels: number;
  /** one label per channel, in file order */
  channelLayout: ChannelLabel[];
  /** where the layout came from: the WAVE_FORMAT_EXTENSIBLE mask, a standard order assumed, or --layout */
  layoutSource: "channel-mask" | "standard-order" | "user" | "container";
  container: string;
  codec: string;
  /** total frames when the container says so (absent for pipes of unknown length) */
  totalFrames?: number;
  /** samples since midnight at the programme start: the BWF bext time reference or a container timecode */
  timeReferenceSamples?: number;
  /** where timeReferenceSamples came from */
  timeReferenceSource?: "bwf" | "container-timecode";
  /** the rate of the container's timecode track (a frame-rate name), used when none is asked for */
  timecodeRate?: string;
}

export type TruePeakFilter = "reference" | "high-precision";

export interface AnalyzerOptions {
  /** BS.1770 Annex 2 reference filter (default) or the high-precision oversampler */
  truePeakFilter?: TruePeakFilter;
  /** report true-peak overs above this level, dBTP (default -1.0) */
  overThresholdDbtp?: number;
  /**
   * a one-channel file that will be heard on both loudspeakers of a stereo pair: its energy counts twice
   * (+3.01 dB), as EBU Tech 3341 and libebur128's EBUR128_DUAL_MONO define it
   */
  dualMono?: boolean;
  /** number of worker threads; 0 = run on the calling thread (default: available cores, at most channels) */
  threads?: number;
  signal?: AbortSignal;
}

/** A run of consecutive true-peak samples above the threshold on one channel (times from file start). */
export interface TruePeakOver {
  channel: ChannelLabel;
  startSeconds: number;
  endSeconds: number;
  peakDbtp: number;
}

export interface ChannelPeaks {
  label: ChannelLabel;
  /** max(true peak, sample peak) per BS.1770 practice; null for digital silence */
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
}

/** What the engine measures; -Infinity is represented as null. */
export interface AnalyzerResult {
  sampleRate: number;
  frames: number;
  integratedLufs: number | null;
  loudnessRangeLu: number | null;
  maxMomentaryLufs: number | null;
  maxShortTermLufs: number | null;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  channels: ChannelPeaks[];
  truePeakOvers: TruePeakOver[];
  /**
   * Channel-weighted sum of K-weighted mean squares for each complete 100 ms step
   * (step j covers [j*0.1 s, (j+1)*0.1 s), step length (fs + 5) / 10 samples as libebur128).
   * Momentary = mean of 4 steps, short-term = mean of 30; the dialogue gate uses it directly.
   */
  stepEnergies: Float64Array;
  /** momentary loudness at every 100 ms step end (LUFS, -Infinity allowed), for --series */
  momentarySeries: Float64Array;
  /** short-term loudness at every 100 ms step end */
  shortTermSeries: Float64Array;
}

export interface Analyzer {
  /** raw interleaved little-endian PCM, a whole number of frames */
  push(chunk: Uint8Array): Promise<void>;
  finish(): Promise<AnalyzerResult>;
  /** release workers without a result (on error or abort) */
  destroy(): Promise<void>;
}

/** Speech flags on the engine's 100 ms grid (issue: dialogue-gated loudness). */
export interface SpeechDetector {
  push(chunk: Uint8Array): Promise<void>;
  finish(): Promise<SpeechResult>;
  destroy(): Promise<void>;
}

export interface SpeechResult {
  /** 1 where the 100 ms step is speech */
  stepFlags: Uint8Array;
  speechIntervals: { startSeconds: number; endSeconds: number }[];
}

/** The JSON `loupe measure --json` prints and the server's workers store; names are a public contract. */
export interface MeasurementResult {
  file: string;
  format: {
    container: string;
    codec: string;
    sampleRate: number;
    bitDepth: number;
    channels: number;
    channelLayout: ChannelLabel[];
    layoutSource: PcmFormat["layoutSource"];
    /** timecode of the first sample, at the rate the overs use */
    startTimecode: string;
    /** what the timecode counts from: the BWF time reference, the container's timecode, or 00:00:00:00 */
    timecodeOrigin: "bwf" | "container-timecode" | "zero";
    /** the rate of startTimecode and of the overs' timecodes */
    frameRate: string;
  };
  durationSeconds: number;
  integratedLufs: number | null;
  loudnessRangeLu: number | null;
  maxMomentaryLufs: number | null;
  maxShortTermLufs: number | null;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  truePeakFilter: TruePeakFilter;
  channels: ChannelPeaks[];
  truePeakOvers: (TruePeakOver & { startTimecode: string; endTimecode: string })[];
  /** present (true) when the mono channel was measured as dual mono */
  dualMono?: true;
  /** present when dialogue analysis ran (an open approximation of Dolby Dialogue Intelligence) */
  dialogueGatedLufs?: number | null;
  speechPercent?: number;
  speechIntervals?: { startSeconds: number; endSeconds: number }[];
}
