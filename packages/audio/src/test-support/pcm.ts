import type { PcmEncoding, PcmFormat } from "../types.ts";

/**
 * Encodes per-channel float signals (+-1 full scale) as interleaved little-endian PCM (typed arrays
 * in host order: every platform Node runs on here is little-endian), the way a
 * file reader would hand them to the engine. Integers are rounded and clipped to the code range.
 */
export function encodePcm(channels: Float64Array[], enc: PcmEncoding): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const n = channels.length;
  const bps = enc.bitsPerSample / 8;
  const out = new Uint8Array(frames * n * bps);
  const samples = frames * n;
  if (enc.sampleType === "float") {
    const view = bps === 4 ? new Float32Array(out.buffer) : new Float64Array(out.buffer);
    for (let c = 0; c < n; c++) for (let f = 0, j = c; f < frames; f++, j += n) view[j] = channels[c][f];
    return out;
  }
  const full = 2 ** (enc.bitsPerSample - 1);
  const quantise = (v: number) => Math.max(-full, Math.min(full - 1, Math.round(v * full)));
  if (bps === 2 || bps === 4) {
    const view = bps === 2 ? new Int16Array(out.buffer) : new Int32Array(out.buffer);
    for (let c = 0; c < n; c++)
      for (let f = 0, j = c; f < frames; f++, j += n) view[j] = quantise(channels[c][f]);
    return out;
  }
  for (let j = 0; j < samples; j++) {
    const q = quantise(channels[j % n][Math.floor(j / n)]);
    out[3 * j] = q & 0xff;
    out[3 * j + 1] = (q >> 8) & 0xff;
    out[3 * j + 2] = (q >> 16) & 0xff;
  }
  return out;
}

export const INT16: PcmEncoding = { sampleType: "int", bitsPerSample: 16 };
export const INT24: PcmEncoding = { sampleType: "int", bitsPerSample: 24 };
export const INT32: PcmEncoding = { sampleType: "int", bitsPerSample: 32 };
export const FLOAT32: PcmEncoding = { sampleType: "float", bitsPerSample: 32 };
export const FLOAT64: PcmEncoding = { sampleType: "float", bitsPerSample: 64 };

/** A PcmFormat for raw test streams (no container). */
export function rawFormat(
  sampleRate: number,
  channelLayout: string[],
  enc: PcmEncoding,
  totalFrames?: number,
): PcmFormat {
  return {
    ...enc,
    sampleRate,
    channels: channelLayout.length,
    channelLayout,
    layoutSource: "user",
    container: "raw",
    codec: enc.sampleType === "float" ? `pcm_f${enc.bitsPerSample}le` : `pcm_s${enc.bitsPerSample}le`,
    totalFrames,
  };
}

/** Splits a byte stream into whole-frame chunks of about `chunkFrames` frames (last one shorter). */
export function* frameChunks(
  bytes: Uint8Array,
  frameBytes: number,
  chunkFrames: number,
): Generator<Uint8Array> {
  const size = frameBytes * chunkFrames;
  for (let p = 0; p < bytes.byteLength; p += size)
    yield bytes.subarray(p, Math.min(bytes.byteLength, p + size));
}
