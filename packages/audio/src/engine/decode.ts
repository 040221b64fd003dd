import type { PcmEncoding } from "../types.ts";

/** Bytes per sample of an encoding; throws on encodings the engine does not read. */
export function bytesPerSample(enc: PcmEncoding): number {
  const { sampleType, bitsPerSample } = enc;
  if (sampleType === "int" && (bitsPerSample === 16 || bitsPerSample === 24 || bitsPerSample === 32)) {
    return bitsPerSample / 8;
  }
  if (sampleType === "float" && (bitsPerSample === 32 || bitsPerSample === 64)) return bitsPerSample / 8;
  throw new RangeError(`unsupported PCM encoding: ${sampleType} ${bitsPerSample}-bit`);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes interleaved little-endian PCM into per-channel Float64Arrays (deinterleaving).
 * Integers are scaled to +-1 by 2^(bits-1); floats are taken as they are.
 * `out[i]` receives channel `channelSubset[i]` (all channels in order when no subset is given) and
 * must hold at least the chunk's frame count. Returns the number of frames decoded; a trailing
 * partial frame is ignored.
 */
export function decodeInterleaved(
  chunk: Uint8Array,
  enc: PcmEncoding,
  channels: number,
  out: Float64Array[],
  channelSubset?: number[],
): number {
  const bps = bytesPerSample(enc);
  const frameBytes = bps * channels;
  const frames = Math.floor(chunk.byteLength / frameBytes);
  const subset = channelSubset ?? Array.from({ length: channels }, (_, i) => i);
  if (out.length < subset.length) throw new RangeError("decodeInterleaved: fewer outputs than channels");
  for (let i = 0; i < subset.length; i++) {
    const ch = subset[i];
    const dst = out[i];
    if (dst.length < frames) throw new RangeError("decodeInterleaved: output array too short");
    if (enc.sampleType === "int") {
      if (bps === 2) decodeInt16(chunk, ch, channels, frames, dst);
      else if (bps === 3) decodeInt24(chunk, ch * 3, frameBytes, frames, dst);
      else decodeInt32(chunk, ch, channels, frames, dst);
    } else if (bps === 4) decodeFloat32(chunk, ch, channels, frames, dst);
    else decodeFloat64(chunk, ch, channels, frames, dst);
  }
  return frames;
}

/** A typed view of the chunk when it is aligned and the host is little-endian, else null. */
function alignedView<T>(
  chunk: Uint8Array,
  bytes: number,
  make: (buf: ArrayBufferLike, off: number, len: number) => T,
): T | null {
  if (!LITTLE_ENDIAN_HOST || chunk.byteOffset % bytes !== 0) return null;
  return make(chunk.buffer, chunk.byteOffset, Math.floor(chunk.byteLength / bytes));
}

function decodeInt16(
  chunk: Uint8Array,
  ch: number,
  channels: number,
  frames: number,
  dst: Float64Array,
): void {
  const scale = 1 / 32768;
  const v = alignedView(chunk, 2, (b, o, l) => new Int16Array(b, o, l));
  if (v) {
    for (let f = 0, j = ch; f < frames; f++, j += channels) dst[f] = v[j] * scale;
    return;
  }
  const stride = channels * 2;
  for (let f = 0, p = ch * 2; f < frames; f++, p += stride) {
    dst[f] = (((chunk[p] | (chunk[p + 1] << 8)) << 16) >> 16) * scale;
  }
}

function decodeInt24(
  chunk: Uint8Array,
  offset: number,
  stride: number,
  frames: number,
  dst: Float64Array,
): void {
  const scale = 1 / 8388608;
  for (let f = 0, p = offset; f < frames; f++, p += stride) {
    dst[f] = (((chunk[p] | (chunk[p + 1] << 8) | (chunk[p + 2] << 16)) << 8) >> 8) * scale;
  }
}

function decodeInt32(
  chunk: Uint8Array,
  ch: number,
  channels: number,
  frames: number,
  dst: Float64Array,
): void {
  const scale = 1 / 2147483648;
  const v = alignedView(chunk, 4, (b, o, l) => new Int32Array(b, o, l));
  if (v) {
    for (let f = 0, j = ch; f < frames; f++, j += channels) dst[f] = v[j] * scale;
    return;
  }
  const stride = channels * 4;
  for (let f = 0, p = ch * 4; f < frames; f++, p += stride) {
    dst[f] = (chunk[p] | (chunk[p + 1] << 8) | (chunk[p + 2] << 16) | (chunk[p + 3] << 24)) * scale;
  }
}

function decodeFloat32(
  chunk: Uint8Array,
  ch: number,
  channels: number,
  frames: number,
  dst: Float64Array,
): void {
  const v =
    alignedView(chunk, 4, (b, o, l) => new Float32Array(b, o, l)) ??
    new Float32Array(chunk.slice(0, frames * channels * 4).buffer);
  for (let f = 0, j = ch; f < frames; f++, j += channels) dst[f] = v[j];
}

function decodeFloat64(
  chunk: Uint8Array,
  ch: number,
  channels: number,
  frames: number,
  dst: Float64Array,
): void {
  const v =
    alignedView(chunk, 8, (b, o, l) => new Float64Array(b, o, l)) ??
    new Float64Array(chunk.slice(0, frames * channels * 8).buffer);
  for (let f = 0, j = ch; f < frames; f++, j += channels) dst[f] = v[j];
}
