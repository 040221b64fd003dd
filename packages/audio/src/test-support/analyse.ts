import { createAnalyzer, type EngineTuning } from "../engine/analyzer.ts";
import type { AnalyzerOptions, AnalyzerResult, PcmEncoding } from "../types.ts";
import { encodePcm, FLOAT32, frameChunks, rawFormat } from "./pcm.ts";

export interface AnalyseOptions extends AnalyzerOptions {
  encoding?: PcmEncoding;
  /** frames per pushed chunk (default 1 s) */
  chunkFrames?: number;
  tuning?: EngineTuning;
}

/** Encodes the signals as raw PCM and runs them through createAnalyzer in chunks. */
export async function analyse(
  channels: Float64Array[],
  sampleRate: number,
  layout: string[],
  options: AnalyseOptions = {},
): Promise<AnalyzerResult> {
  const { encoding = FLOAT32, chunkFrames = sampleRate, tuning, ...analyzerOptions } = options;
  const bytes = encodePcm(channels, encoding);
  const analyzer = createAnalyzer(
    rawFormat(sampleRate, layout, encoding),
    { threads: 0, ...analyzerOptions },
    tuning,
  );
  const frameBytes = (encoding.bitsPerSample / 8) * channels.length;
  for (const chunk of frameChunks(bytes, frameBytes, chunkFrames)) await analyzer.push(chunk);
  return analyzer.finish();
}
