/**
 * Public API of the measurement engine (ITU-R BS.1770-4/-5, EBU R 128 / Tech 3341 / 3342).
 *   createAnalyzer(format, options)  push raw interleaved LE PCM chunks, finish() -> AnalyzerResult
 *   decodeInterleaved(...)           the PCM decoder, shared with dialogue/
 *   channelWeight / standardLayout   BS.1770 channel weights and the order assumed without a mask
 */
export { createAnalyzer, OVER_MERGE_SECONDS } from "./analyzer.ts";
export { channelWeight, isLfe, layoutWeights, standardLayout } from "./channels.ts";
export { bytesPerSample, decodeInterleaved } from "./decode.ts";
export { kWeightingCoefficients } from "./k-weighting.ts";
export { gatedLoudness, loudnessOf, loudnessRange } from "./loudness.ts";
export { StepGrid } from "./step-grid.ts";
