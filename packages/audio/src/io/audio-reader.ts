import type { PcmFormat } from "../types.ts";

/** What every reader (native WAV, ffmpeg) hands to measure.ts. */
export interface AudioReader {
  /** the encoding of the chunks `chunks()` yields, plus rate, layout and container facts */
  readonly format: PcmFormat;
  /** the source's own bit depth (8 for 8-bit WAV, delivered as 16-bit; 24 for 24-in-32 containers) */
  readonly bitDepth: number;
  /** things the user should know that do not stop the measurement (unknown layout, partial last frame) */
  readonly warnings: string[];
  /**
   * Raw interleaved little-endian PCM, whole frames, about CHUNK_BYTES each. A chunk stays valid until
   * it is given to recycle(); chunks never recycled are never reused.
   */
  chunks(): AsyncIterable<Uint8Array>;
  /** Hands a chunk's buffer back to be refilled; call only when nothing will read the chunk again. */
  recycle(chunk: Uint8Array): void;
  /** stops reading and releases the file, stream or decoder process; safe to call twice */
  close(): Promise<void>;
}

/** Size of the PCM chunks readers yield: large enough to amortise calls, small enough to stay flat. */
export const CHUNK_BYTES = 2 * 1024 * 1024;

/** Whole frames of at most CHUNK_BYTES. */
export function framesPerChunk(bytesPerFrame: number): number {
  return Math.max(1, Math.floor(CHUNK_BYTES / bytesPerFrame));
}
