/**
 * RIFF/WAVE, RF64 and BW64 header parsing: fmt (PCM, IEEE float, WAVE_FORMAT_EXTENSIBLE), bext (time
 * reference), ds64 (64-bit sizes) and the position and size of the data chunk. Unknown chunks are
 * skipped, odd-sized chunks are followed by a pad byte.
 */
import type { ByteSource } from "./byte-source.ts";
import { AudioReadError } from "./errors.ts";

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Writers that cannot seek back (pipes) leave these in the data size: read such data to the end. */
const UNKNOWN_DATA_SIZES = new Set([0, 0xffffffff, 0x7ffff000 /* sox on a pipe */]);
/** A metadata chunk larger than this before the audio, on a stream, is taken as corruption. */
const MAX_STREAM_CHUNK_SKIP = 256 * 1024 * 1024;
const MAX_CHANNELS = 1024;
const MAX_SAMPLE_RATE = 3_072_000;

export interface WavFmt {
  formatTag: number;
  /** the codec after resolving WAVE_FORMAT_EXTENSIBLE's SubFormat */
  codecTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  validBitsPerSample?: number;
  channelMask?: number;
}

export interface WavHeader {
  riffId: "RIFF" | "RF64" | "BW64";
  fmt: WavFmt;
  /** byte offset of the first sample */
  dataOffset: number;
  /** bytes of sample data; undefined when the writer did not know (read to the end of input) */
  dataSize: number | undefined;
  timeReferenceSamples?: number;
  warnings: string[];
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** Whether the bytes start with a RIFF, RF64 or BW64 chunk id (a WAV, or a truncated or damaged one). */
export function hasRiffId(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const id = fourcc(head, 0);
  return id === "RIFF" || id === "RF64" || id === "BW64";
}

export function isWavMagic(first12: Uint8Array): boolean {
  return first12.length >= 12 && hasRiffId(first12) && fourcc(first12, 8) === "WAVE";
}

function parseFmt(body: Uint8Array, file: string): WavFmt {
  if (body.length < 16)
    throw new AudioReadError("BAD_FMT", file, `fmt chunk is ${body.length} bytes, needs 16`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const fmt: WavFmt = {
    formatTag: view.getUint16(0, true),
    codecTag: view.getUint16(0, true),
    channels: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    blockAlign: view.getUint16(12, true),
    bitsPerSample: view.getUint16(14, true),
  };
  if (fmt.formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < 40) {
      throw new AudioReadError(
        "BAD_FMT",
        file,
        `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${body.length} bytes, needs 40`,
      );
    }
    fmt.validBitsPerSample = view.getUint16(18, true);
    fmt.channelMask = view.getUint32(20, true);
    fmt.codecTag = view.getUint16(24, true); // first two bytes of the SubFormat GUID
  }
  if (fmt.channels === 0)
    throw new AudioReadError("ZERO_CHANNELS", file, "the fmt chunk declares zero channels");
  if (fmt.channels > MAX_CHANNELS) {
    throw new AudioReadError("BAD_FMT", file, `the fmt chunk declares ${fmt.channels} channels`);
  }
  if (fmt.sampleRate === 0 || fmt.sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioReadError("BAD_FMT", file, `the fmt chunk declares a sample rate of ${fmt.sampleRate} Hz`);
  }
  if (fmt.codecTag !== WAVE_FORMAT_PCM && fmt.codecTag !== WAVE_FORMAT_IEEE_FLOAT) {
    throw new AudioReadError(
      "UNSUPPORTED_CODEC",
      file,
      `WAV codec 0x${fmt.codecTag.toString(16).padStart(4, "0")} is not PCM or IEEE float`,
    );
  }
  if (fmt.blockAlign === 0 || fmt.blockAlign % fmt.channels !== 0) {
    throw new AudioReadError(
      "BAD_FMT",
      file,
      `block align ${fmt.blockAlign} does not fit ${fmt.channels} channels of whole bytes`,
    );
  }
  const containerBytes = fmt.blockAlign / fmt.channels;
  const supported = fmt.codecTag === WAVE_FORMAT_PCM ? [1, 2, 3, 4] : [4, 8];
  if (!supported.includes(containerBytes)) {
    const kind = fmt.codecTag === WAVE_FORMAT_PCM ? "integer PCM" : "float";
    throw new AudioReadError(
      "UNSUPPORTED_BIT_DEPTH",
      file,
      `${containerBytes * 8}-bit ${kind} samples are not supported (bits per sample ${fmt.bitsPerSample})`,
    );
  }
  if (fmt.bitsPerSample > containerBytes * 8 || fmt.bitsPerSample === 0) {
    throw new AudioReadError(
      "BAD_FMT",
      file,
      `${fmt.bitsPerSample} bits per sample do not fit a block align of ${fmt.blockAlign} for ${fmt.channels} channels`,
    );
  }
  return fmt;
}

/** bext: TimeReferenceLow/High at bytes 338..345 (EBU Tech 3285), samples since midnight. */
function parseBextTimeReference(body: Uint8Array): number | undefined {
  if (body.length < 346) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return view.getUint32(338, true) + view.getUint32(342, true) * 2 ** 32;
}

/** ds64: RIFF size, data size, sample count, each a little-endian 64-bit integer. */
function parseDs64DataSize(body: Uint8Array, file: string): number {
  if (body.length < 24)
    throw new AudioReadError("BAD_FMT", file, `ds64 chunk is ${body.length} bytes, needs 24`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const size = view.getBigUint64(8, true);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AudioReadError("ABSURD_CHUNK_SIZE", file, `ds64 declares a data size of ${size} bytes`);
  }
  return Number(size);
}

async function readExactly(source: ByteSource, n: number, file: string, what: string): Promise<Uint8Array> {
  const bytes = await source.read(n);
  if (bytes.length < n) {
    throw new AudioReadError(
      "TRUNCATED",
      file,
      `the file ends inside the ${what} (${bytes.length} of ${n} bytes)`,
    );
  }
  return bytes;
}

/** Reads up to and including the data chunk header; for seekable sources also looks past the data for a bext. */
export async function parseWavHeader(source: ByteSource, file: string): Promise<WavHeader> {
  const riff = await source.read(12);
  if (riff.length === 0) throw new AudioReadError("EMPTY_FILE", file, "the file is empty");
  if (!isWavMagic(riff)) {
    if (riff.length < 12 && ["RIFF", "RF64", "BW64"].includes(fourcc(riff, 0))) {
      throw new AudioReadError(
        "TRUNCATED",
        file,
        `the file ends inside the RIFF header (${riff.length} bytes)`,
      );
    }
    throw new AudioReadError("NOT_AUDIO", file, "not a RIFF/RF64 WAVE file");
  }
  const riffId = fourcc(riff, 0) as WavHeader["riffId"];
  const warnings: string[] = [];
  let fmt: WavFmt | undefined;
  let ds64DataSize: number | undefined;
  let timeReferenceSamples: number | undefined;

  for (;;) {
    const header = await source.read(8);
    if (header.length < 8) {
      if (header.length === 0 && fmt)
        throw new AudioReadError("NO_DATA_CHUNK", file, "the file has no data chunk");
      if (header.length === 0) throw new AudioReadError("BAD_FMT", file, "the file has no fmt chunk");
      throw new AudioReadError("TRUNCATED", file, "the file ends inside a chunk header");
    }
    const id = fourcc(header, 0);
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      throw new AudioReadError(
        "BAD_FMT",
        file,
        `unreadable chunk id at byte ${source.position - 8} (the chunk list is corrupt)`,
      );
    }
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    const bodyStart = source.position;

    if (id === "data") {
      if (!fmt) throw new AudioReadError("BAD_FMT", file, "the data chunk comes before any fmt chunk");
      let dataSize: number | undefined = size;
      if (riffId !== "RIFF" && size === 0xffffffff) {
        if (ds64DataSize === undefined) {
          throw new AudioReadError(
            "BAD_FMT",
            file,
            `${riffId} data size is 0xFFFFFFFF but there is no ds64 chunk`,
          );
        }
        dataSize = ds64DataSize === 0 ? undefined : ds64DataSize;
      } else if (UNKNOWN_DATA_SIZES.has(size)) {
        dataSize = undefined;
      }
      if (source.size !== undefined) {
        const available = source.size - bodyStart;
        if (dataSize === undefined) {
          dataSize = available;
        } else if (dataSize > available) {
          throw new AudioReadError(
            "TRUNCATED",
            file,
            `the data chunk declares ${dataSize} bytes but only ${available} are in the file (${((100 * available) / dataSize).toFixed(1)} %); the file is truncated`,
          );
        }
        if (timeReferenceSamples === undefined && source.seek) {
          timeReferenceSamples = await findBextAfterData(source, bodyStart + dataSize + (dataSize & 1));
          source.seek(bodyStart);
        }
      }
      return { riffId, fmt, dataOffset: bodyStart, dataSize, timeReferenceSamples, warnings };
    }

    if (source.size !== undefined && bodyStart + size > source.size) {
      const remaining = source.size - bodyStart;
      // larger than the whole file: the size field is garbage; otherwise the file was cut short
      if (size > source.size) {
        throw new AudioReadError(
          "ABSURD_CHUNK_SIZE",
          file,
          `chunk "${id}" declares ${size} bytes, more than the whole file (${source.size} bytes)`,
        );
      }
      throw new AudioReadError(
        "TRUNCATED",
        file,
        `the file ends inside the "${id}" chunk (${remaining} of ${size} bytes)`,
      );
    }
    if (id === "fmt " || id === "ds64" || id === "bext") {
      if (size > 16 * 1024 * 1024) {
        throw new AudioReadError("ABSURD_CHUNK_SIZE", file, `chunk "${id}" declares ${size} bytes`);
      }
      const body = await readExactly(source, size, file, `"${id}" chunk`);
      if (id === "fmt ") fmt = parseFmt(body, file);
      else if (id === "ds64") ds64DataSize = parseDs64DataSize(body, file);
      else timeReferenceSamples = parseBextTimeReference(body);
    } else {
      if (source.size === undefined && size > MAX_STREAM_CHUNK_SKIP) {
        throw new AudioReadError(
          "ABSURD_CHUNK_SIZE",
          file,
          `chunk "${id}" before the audio declares ${size} bytes`,
        );
      }
      const skipped = await source.skip(size);
      if (skipped < size)
        throw new AudioReadError("TRUNCATED", file, `the file ends inside the "${id}" chunk`);
    }
    if (size & 1) await source.skip(1); // pad byte after an odd-sized chunk
  }
}

/** Some writers put bext after the audio. Best effort: a malformed tail is ignored, the audio is still read. */
async function findBextAfterData(source: ByteSource, offset: number): Promise<number | undefined> {
  if (!source.seek || source.size === undefined) return undefined;
  source.seek(offset);
  while (source.position + 8 <= source.size) {
    const header = await source.read(8);
    const id = fourcc(header, 0);
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    if (source.position + size > source.size) return undefined;
    if (id === "bext") return parseBextTimeReference(await source.read(Math.min(size, 4096)));
    await source.skip(size + (size & 1));
  }
  return undefined;
}
