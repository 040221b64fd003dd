/**
 * Native reader for WAV, Broadcast WAV, RF64 and BW64: parses the header, then yields the data chunk in
 * whole-frame chunks of about CHUNK_BYTES, one read at a time (constant memory whatever the length).
 */
import type { ChannelLabel, PcmFormat } from "../types.ts";
import { type AudioReader, framesPerChunk } from "./audio-reader.ts";
import { BufferPool, type ByteSource } from "./byte-source.ts";
import { type LayoutDecision, layoutForCount, layoutFromMask } from "./channel-layout.ts";
import { AudioReadError } from "./errors.ts";
import { parseWavHeader, type WavHeader } from "./wav-header.ts";

export interface WavReaderOptions {
  /** --layout: overrides whatever the file says */
  layout?: ChannelLabel[];
}

/** 8-bit WAV is unsigned with 128 as zero; the engine takes signed 16-bit, so shift it there. */
function unsigned8ToInt16(bytes: Uint8Array): Uint8Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] - 128) << 8;
  return new Uint8Array(out.buffer);
}

export function decideLayout(
  channels: number,
  mask: number | undefined,
  userLayout: ChannelLabel[] | undefined,
  file: string,
): LayoutDecision {
  if (userLayout) {
    if (userLayout.length !== channels) {
      throw new AudioReadError(
        "BAD_LAYOUT",
        file,
        `--layout names ${userLayout.length} channels but the file has ${channels}`,
      );
    }
    return { labels: userLayout, source: "user", warnings: [] };
  }
  return mask === undefined ? layoutForCount(channels) : layoutFromMask(mask, channels);
}

function pcmFormat(header: WavHeader, layout: LayoutDecision): { format: PcmFormat; bitDepth: number } {
  const { fmt } = header;
  const containerBits = (fmt.blockAlign / fmt.channels) * 8;
  const isFloat = fmt.codecTag === 0x0003;
  const bitDepth = isFloat
    ? containerBits
    : Math.min(fmt.validBitsPerSample || fmt.bitsPerSample, containerBits);
  const bytesPerFrame = fmt.blockAlign;
  const format: PcmFormat = {
    sampleType: isFloat ? "float" : "int",
    bitsPerSample: containerBits === 8 ? 16 : containerBits,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    channelLayout: layout.labels,
    layoutSource: layout.source,
    container:
      header.riffId === "RIFF" ? (header.timeReferenceSamples !== undefined ? "BWF" : "WAV") : header.riffId,
    codec: isFloat ? `pcm_f${containerBits}le` : containerBits === 8 ? "pcm_u8" : `pcm_s${containerBits}le`,
  };
  if (header.dataSize !== undefined) format.totalFrames = Math.floor(header.dataSize / bytesPerFrame);
  if (header.timeReferenceSamples !== undefined) {
    format.timeReferenceSamples = header.timeReferenceSamples;
    format.timeReferenceSource = "bwf";
  }
  return { format, bitDepth };
}

/** Opens the WAV on `source` (positioned at byte 0). The reader owns the source and closes it. */
export async function openWav(
  source: ByteSource,
  file: string,
  options: WavReaderOptions = {},
): Promise<AudioReader> {
  let header: WavHeader;
  let layout: LayoutDecision;
  try {
    header = await parseWavHeader(source, file);
    layout = decideLayout(header.fmt.channels, header.fmt.channelMask, options.layout, file);
  } catch (error) {
    await source.close();
    throw error;
  }
  const { format, bitDepth } = pcmFormat(header, layout);
  const warnings = [...header.warnings, ...layout.warnings];
  if (header.dataSize === 0) warnings.push("the data chunk is empty: there is no audio to measure");
  const bytesPerFrame = header.fmt.blockAlign;
  const unsigned8 = bytesPerFrame / header.fmt.channels === 1;
  const chunkBytes = framesPerChunk(bytesPerFrame) * bytesPerFrame;
  const pool = new BufferPool(chunkBytes);
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    await source.close();
  };

  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      let remaining = header.dataSize ?? Number.POSITIVE_INFINITY;
      while (remaining > 0) {
        const want = Math.min(chunkBytes, remaining);
        const bytes = await source.read(want, pool.take());
        const atEnd = bytes.length < want;
        if (atEnd && header.dataSize !== undefined) {
          const got = header.dataSize - remaining + bytes.length;
          throw new AudioReadError(
            "TRUNCATED",
            file,
            `the data chunk declares ${header.dataSize} bytes but the input ends after ${got}; the file is truncated`,
          );
        }
        remaining = atEnd ? 0 : remaining - bytes.length;
        const whole = bytes.length - (bytes.length % bytesPerFrame);
        if (whole < bytes.length) {
          // only at the very end: a stream cut inside a frame, or a data size that is not whole frames
          warnings.push(`the audio ends inside a frame: the last ${bytes.length - whole} bytes were ignored`);
        }
        if (whole === 0) continue;
        const frames = whole === bytes.length ? bytes : bytes.subarray(0, whole);
        yield unsigned8 ? unsigned8ToInt16(frames) : frames;
      }
    } finally {
      await close();
    }
  }

  return { format, bitDepth, warnings, chunks, close, recycle: (chunk) => pool.give(chunk) };
}
