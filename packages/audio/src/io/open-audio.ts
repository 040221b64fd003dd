/**
 * The readers' front door: a path or a stream in, an AudioReader out. WAV/BWF/RF64/BW64 are recognised
 * by their magic bytes (never the extension) and read natively; anything else goes through ffmpeg.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import type { ChannelLabel, PcmFormat } from "../types.ts";
import { type AudioReader, framesPerChunk } from "./audio-reader.ts";
import { BufferPool, FileByteSource, PipeByteSource, StreamByteSource } from "./byte-source.ts";
import { AudioReadError } from "./errors.ts";
import { ffmpegMissingError, hasFfmpeg, openStreamWithFfmpeg, openWithFfmpeg } from "./ffmpeg-reader.ts";
import { hasRiffId, isWavMagic } from "./wav-header.ts";
import { openWav } from "./wav-reader.ts";

export interface OpenOptions {
  /** --layout: overrides the channel roles of any file */
  layout?: ChannelLabel[];
  /** the name errors and results use (default: the path; "-" for streams) */
  name?: string;
}

function notWavStream(name: string): AudioReadError {
  return new AudioReadError(
    "NOT_AUDIO",
    name,
    "not a WAV/BWF/RF64 stream (other formats need ffmpeg, which is not installed)",
  );
}

/** Signatures of containers ffmpeg can read, to tell "install ffmpeg" from "this is not audio". */
function looksLikeMedia(head: Uint8Array): boolean {
  const ascii = (at: number, text: string) =>
    head.length >= at + text.length && [...text].every((ch, i) => head[at + i] === ch.charCodeAt(0));
  return (
    ascii(0, "fLaC") ||
    ascii(0, "OggS") ||
    ascii(0, "ID3") ||
    ascii(0, "FORM") ||
    ascii(0, "caff") ||
    ascii(0, "riff") ||
    ascii(4, "ftyp") ||
    ascii(4, "moov") ||
    ascii(4, "mdat") ||
    ascii(4, "wide") ||
    ascii(4, "free") ||
    (head[0] === 0x06 && head[1] === 0x0e && head[2] === 0x2b && head[3] === 0x34) || // MXF
    (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) || // Matroska
    (head[0] === 0xff && (head[1] & 0xe0) === 0xe0) // MPEG audio frame sync
  );
}

function openError(file: string, error: NodeJS.ErrnoException): AudioReadError {
  switch (error.code) {
    case "ENOENT":
      return new AudioReadError("FILE_NOT_FOUND", file, "no such file", { cause: error });
    case "EISDIR":
      return new AudioReadError("READ_FAILED", file, "is a directory, not a file", { cause: error });
    case "EACCES":
    case "EPERM":
      return new AudioReadError("READ_FAILED", file, "permission denied", { cause: error });
    default:
      return new AudioReadError("READ_FAILED", file, `cannot be read (${error.code ?? error.message})`, {
        cause: error,
      });
  }
}

/**
 * Opens a path: a regular file (seekable; WAV natively, anything else through ffmpeg) or a pipe/FIFO
 * such as /dev/stdin (read once, front to back; WAV/RF64 natively, streamable formats through ffmpeg).
 */
export async function openAudioFile(file: string, options: OpenOptions = {}): Promise<AudioReader> {
  const name = options.name ?? file;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw openError(name, error as NodeJS.ErrnoException);
  }
  let head: Uint8Array;
  let size: number;
  let regular: boolean;
  try {
    const stat = await handle.stat();
    regular = stat.isFile();
    if (stat.isDirectory()) throw openError(name, Object.assign(new Error("EISDIR"), { code: "EISDIR" }));
    size = stat.size;
    if (regular && size === 0) throw new AudioReadError("EMPTY_FILE", name, "the file is empty");
    head = new Uint8Array(12);
    if (regular) await handle.read(head, 0, 12, 0);
  } catch (error) {
    await handle.close();
    throw error instanceof AudioReadError ? error : openError(name, error as NodeJS.ErrnoException);
  }
  if (!regular) return openByteStream(new PipeByteSource(handle), name, options);
  if (isWavMagic(head) || (hasRiffId(head) && size < 12)) {
    try {
      return await openWav(new FileByteSource(handle, size), name, options);
    } catch (error) {
      // WAV carrying a codec other than PCM/float (A-law, ADPCM, MPEG): ffmpeg can decode those
      if (!(error instanceof AudioReadError && error.code === "UNSUPPORTED_CODEC" && (await hasFfmpeg()))) {
        throw error;
      }
      return openWithFfmpeg(file, { ...options, name });
    }
  }
  await handle.close();
  if (await hasFfmpeg()) return openWithFfmpeg(file, { ...options, name });
  if (looksLikeMedia(head)) throw ffmpegMissingError(name, path.extname(file));
  throw new AudioReadError(
    "NOT_AUDIO",
    name,
    "not a WAV/BWF/RF64 file (and ffmpeg, which reads other formats, is not installed)",
  );
}

export interface StreamOpenOptions extends OpenOptions {
  /** raw PCM with this format instead of a WAV stream (no header is parsed) */
  format?: PcmFormat;
}

/** A WAV/RF64 byte stream (standard input, a socket, a generator), or raw PCM when `format` is given. */
export async function openAudioStream(
  stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: StreamOpenOptions = {},
): Promise<AudioReader> {
  const name = options.name ?? "-";
  const source = new StreamByteSource(stream);
  if (options.format) return openRawPcm(source, options.format);
  return openByteStream(source, name, options);
}

/**
 * A stream read once, front to back: WAV/RF64 natively; anything else (FLAC, MP3, MPEG-TS...) through
 * ffmpeg when it is installed. The first bytes are peeked, not consumed, to tell which.
 */
async function openByteStream(
  source: PipeByteSource | StreamByteSource,
  name: string,
  options: OpenOptions,
): Promise<AudioReader> {
  const head = await source.peek(12);
  if (head.length >= 12 && !hasRiffId(head) && (await hasFfmpeg())) {
    return openStreamWithFfmpeg(source, { ...options, name });
  }
  try {
    return await openWav(source, name, options);
  } catch (error) {
    if (error instanceof AudioReadError && error.code === "NOT_AUDIO") throw notWavStream(name);
    throw error;
  }
}

function openRawPcm(source: StreamByteSource, format: PcmFormat): AudioReader {
  const bytesPerFrame = (format.bitsPerSample / 8) * format.channels;
  const chunkBytes = framesPerChunk(bytesPerFrame) * bytesPerFrame;
  const pool = new BufferPool(chunkBytes);
  const warnings: string[] = [];
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const bytes = await source.read(chunkBytes);
        const whole = bytes.length - (bytes.length % bytesPerFrame);
        if (whole < bytes.length)
          warnings.push(`the stream ends inside a frame: ${bytes.length - whole} bytes ignored`);
        if (whole > 0) yield whole === bytes.length ? bytes : bytes.subarray(0, whole);
        if (bytes.length < chunkBytes) return;
      }
    } finally {
      await source.close();
    }
  }
  return {
    format,
    bitDepth: format.bitsPerSample,
    warnings,
    chunks,
    close: () => source.close(),
    recycle: (chunk) => pool.give(chunk),
  };
}
