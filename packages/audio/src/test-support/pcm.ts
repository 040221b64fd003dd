import type { PcmEncoding, PcmFormat } from "../types.ts";

/**
 * Encodes per-channel float signals (+-1 full scale) as interleaved little-endian PCM, the way a
 * file reader would hand them to the engine. Integers are rounded and clipped to the code range.
 */
export function encodePcm(channels: Float64Array[], enc: PcmEncoding): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const n = channels.length;
  const bps = enc.bitsPerSample / 8;
  const out = new Uint8Array(frames * n * bps);
  const view = new DataView(out.buffer);
  const full = 2 ** (enc.bitsPerSample - 1);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < n; c++) {
      const v = channels[c][f];
      const p = (f * n + c) * bps;
      if (enc.sampleType === "float") {
        if (bps === 4) view.setFloat32(p, v, true);
        else view.setFloat64(p, v, true);
      } else {
        const q = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
        if (bps === 2) view.setInt16(p, q, true);
        else if (bps === 4) view.setInt32(p, q, true);
        else {
          const u = q < 0 ? q + 2 ** 24 : q;
          out[p] = u & 0xff;
          out[p + 1] = (u >> 8) & 0xff;
          out[p + 2] = (u >> 16) & 0xff;
        }
      }
    }
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
