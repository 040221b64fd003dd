/**
 * @loupe/audio: loudness and true-peak measurement (ITU-R BS.1770-4/-5, EBU R 128), streaming readers
 * for WAV/BWF/RF64 (others through ffmpeg), SMPTE timecode. No dependency on the server.
 */

export { channelWeight, createAnalyzer, standardLayout } from "./engine/index.ts";
export type { AudioReader } from "./io/audio-reader.ts";
export { parseLayout } from "./io/channel-layout.ts";
export { AudioReadError, type AudioReadErrorCode, isAudioReadError } from "./io/errors.ts";
export { hasFfmpeg } from "./io/ffmpeg-reader.ts";
export { openAudioFile, openAudioStream } from "./io/open-audio.ts";
export { encodePcm, encodeWav, type WavWriteOptions, wavHeader } from "./io/wav-writer.ts";
export {
  analyseFile,
  analyseStream,
  DEFAULT_OVER_THRESHOLD_DBTP,
  type MeasurementReport,
  type MeasureOptions,
  type MeasureProgress,
  measureFile,
  measureStream,
  type StreamMeasureOptions,
} from "./measure.ts";
export {
  DEFAULT_FRAME_RATE,
  FRAME_RATE_NAMES,
  type FrameRate,
  framesToTimecode,
  parseFrameRate,
  samplesToTimecode,
  secondsToTimecode,
} from "./timecode.ts";
export type {
  Analyzer,
  AnalyzerOptions,
  AnalyzerResult,
  ChannelLabel,
  ChannelPeaks,
  MeasurementResult,
  PcmEncoding,
  PcmFormat,
  SpeechDetector,
  SpeechResult,
  TruePeakFilter,
  TruePeakOver,
} from "./types.ts";
