/**
 * Everything that is not WAV/RF64 (MOV, MP4, MXF, FLAC, ...) is decoded by ffmpeg into raw PCM on a
 * pipe: `ffprobe` says what the first audio stream is, `ffmpeg -f s32le|f32le|f64le -` decodes it.
 * Integer sources come out as s32le so 24-bit stays exact; float sources keep their precision.
 */

import { type ChildProcessByStdio, spawn } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import type { ChannelLabel, PcmFormat } from "../types.ts";
import { type AudioReader, framesPerChunk } from "./audio-reader.ts";
import { BufferPool, type ByteSource, StreamByteSource } from "./byte-source.ts";
import { labelsFromSpeakers } from "./channel-layout.ts";
import { containerTimecode } from "./container-timecode.ts";
import { AudioReadError } from "./errors.ts";
import { decideLayout } from "./wav-reader.ts";

/** ffmpeg's named layouts (libavutil/channel_layout.c), channels in the order ffmpeg outputs them. */
const FFMPEG_LAYOUTS: Record<string, string> = {
  stereo: "FL+FR",
  "2.1": "FL+FR+LFE",
  "3.0": "FL+FR+FC",
  "3.0(back)": "FL+FR+BC",
  "4.0": "FL+FR+FC+BC",
  quad: "FL+FR+BL+BR",
  "quad(side)": "FL+FR+SL+SR",
  "3.1": "FL+FR+FC+LFE",
  "5.0": "FL+FR+FC+BL+BR",
  "5.0(side)": "FL+FR+FC+SL+SR",
  "4.1": "FL+FR+FC+LFE+BC",
  "5.1": "FL+FR+FC+LFE+BL+BR",
  "5.1(side)": "FL+FR+FC+LFE+SL+SR",
  "6.0": "FL+FR+FC+BC+SL+SR",
  "6.0(front)": "FL+FR+FLC+FRC+SL+SR",
  hexagonal: "FL+FR+FC+BL+BR+BC",
  "6.1": "FL+FR+FC+LFE+BC+SL+SR",
  "6.1(back)": "FL+FR+FC+LFE+BL+BR+BC",
  "6.1(front)": "FL+FR+LFE+FLC+FRC+SL+SR",
  "7.0": "FL+FR+FC+BL+BR+SL+SR",
  "7.0(front)": "FL+FR+FC+FLC+FRC+SL+SR",
  "7.1": "FL+FR+FC+LFE+BL+BR+SL+SR",
  "7.1(wide)": "FL+FR+FC+LFE+BL+BR+FLC+FRC",
  "7.1(wide-side)": "FL+FR+FC+LFE+FLC+FRC+SL+SR",
  octagonal: "FL+FR+FC+BL+BR+BC+SL+SR",
};

/** Labels for an ffprobe channel_layout, or undefined when it is absent or not a known speaker list. */
export function labelsFromFfmpegLayout(
  layout: string | undefined,
  channels: number,
): ChannelLabel[] | undefined {
  if (!layout) return undefined;
  if (layout === "mono") return channels === 1 ? ["M"] : undefined;
  const speakers = (FFMPEG_LAYOUTS[layout] ?? layout).split("+");
  if (speakers.length !== channels || !speakers.every((s) => /^[A-Z]{1,4}$/.test(s))) return undefined;
  return labelsFromSpeakers(speakers);
}

let ffmpegAvailable: Promise<boolean> | undefined;

/** Whether both ffmpeg and ffprobe run here (checked once per process). */
export function hasFfmpeg(): Promise<boolean> {
  ffmpegAvailable ??= Promise.all(["ffmpeg", "ffprobe"].map(runsOk)).then((ok) => ok.every(Boolean));
  return ffmpegAvailable;
}

function runsOk(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, ["-version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}

export function ffmpegMissingError(file: string, extension: string): AudioReadError {
  return new AudioReadError(
    "FFMPEG_MISSING",
    file,
    `ffmpeg is not installed: install the Debian package ffmpeg to read ${extension || "this kind of"} files; WAV/BWF/RF64 are read natively`,
  );
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  r_frame_rate?: string;
  tags?: { timecode?: string };
  sample_fmt?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  bits_per_raw_sample?: string;
  bits_per_sample?: number;
  duration?: string;
}

interface Probe {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; tags?: { timecode?: string } };
}

/** ffprobe on a path, or on `bytes` fed to its standard input (`input` = "pipe:0"). */
async function probe(input: string, file: string, bytes?: Uint8Array): Promise<Probe> {
  // every stream, not only audio: the timecode lives on the video or tmcd stream, or the format (MXF)
  const args = ["-v", "error", "-of", "json", "-show_streams", "-show_format", input];
  const child = spawn("ffprobe", args, { stdio: [bytes ? "pipe" : "ignore", "pipe", "pipe"] });
  if (bytes && child.stdin) {
    // ffprobe may stop reading once it knows enough: the rest of the write fails with EPIPE, harmlessly
    child.stdin.on("error", () => {});
    child.stdin.end(bytes);
  }
  const { stdout, stderr, code } = await collect(child as ChildProcessByStdio<null, Readable, Readable>);
  if (code !== 0) {
    const why = stderr.trim().split("\n").pop() ?? "";
    throw new AudioReadError(
      "NOT_AUDIO",
      file,
      bytes
        ? `not a readable audio stream (ffprobe: ${why}); a MOV/MP4 with its index at the end cannot be read from a pipe: give its path instead`
        : `not a readable audio or video file (ffprobe: ${why})`,
    );
  }
  try {
    return JSON.parse(stdout) as Probe;
  } catch (cause) {
    throw new AudioReadError("DECODE_FAILED", file, "ffprobe printed output that is not JSON", { cause });
  }
}

function collect(child: ChildProcessByStdio<null, Readable, Readable>) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

function outputEncoding(sampleFmt: string): {
  sampleType: "int" | "float";
  bits: number;
  ffmpegFormat: string;
} {
  if (sampleFmt.startsWith("flt")) return { sampleType: "float", bits: 32, ffmpegFormat: "f32le" };
  if (sampleFmt.startsWith("dbl")) return { sampleType: "float", bits: 64, ffmpegFormat: "f64le" };
  return { sampleType: "int", bits: 32, ffmpegFormat: "s32le" };
}

function sourceBitDepth(stream: ProbeStream): number {
  const raw = Number(stream.bits_per_raw_sample);
  if (raw > 0) return raw;
  if (stream.bits_per_sample && stream.bits_per_sample > 0) return stream.bits_per_sample;
  const fmt = stream.sample_fmt ?? "";
  if (fmt.startsWith("u8")) return 8;
  if (fmt.startsWith("s16")) return 16;
  if (fmt.startsWith("dbl") || fmt.startsWith("s64")) return 64;
  return 32;
}

interface FfmpegOptions {
  layout?: ChannelLabel[];
  name?: string;
}

/** What to decode and how: the format loupe reports and ffmpeg's arguments after the input. */
interface DecodePlan {
  format: PcmFormat;
  bitDepth: number;
  warnings: string[];
  bytesPerFrame: number;
  outputArgs: string[];
}

/** A file by path: ffprobe and ffmpeg read it themselves. */
export async function openWithFfmpeg(path: string, options: FfmpegOptions = {}): Promise<AudioReader> {
  const file = options.name ?? path;
  // the file: protocol keeps a name starting with "-" or holding ":" from being read as an option or URL
  const input = `file:${path}`;
  const plan = planDecode(await probe(input, file), file, options);
  return decode(["-nostdin", "-v", "error", "-i", input], plan, file);
}

/** What ffprobe is given of a stream: enough for any container that can be read from a pipe. */
const PROBE_BYTES = 5_000_000;
/** Pieces the stream is copied into ffmpeg's standard input in. */
const FEED_BYTES = 1 << 20;

/**
 * A stream that is not WAV/RF64 (FLAC, MP3, MPEG-TS, MKV, a MOV whose index comes first...): its first
 * PROBE_BYTES go to ffprobe, then all of it, those bytes included, to ffmpeg's standard input.
 */
export async function openStreamWithFfmpeg(
  source: ByteSource,
  options: FfmpegOptions = {},
): Promise<AudioReader> {
  const file = options.name ?? "-";
  const prefix = await source.read(PROBE_BYTES);
  let plan: DecodePlan;
  try {
    plan = planDecode(await probe("pipe:0", file, prefix), file, options);
  } catch (error) {
    await source.close();
    throw error;
  }
  async function* feed(): AsyncGenerator<Uint8Array> {
    yield prefix;
    if (prefix.length < PROBE_BYTES) return;
    for (;;) {
      const piece = await source.read(FEED_BYTES);
      if (piece.length > 0) yield piece;
      if (piece.length < FEED_BYTES) return;
    }
  }
  return decode(["-v", "error", "-i", "pipe:0"], plan, file, { feed: feed(), close: () => source.close() });
}

function planDecode(info: Probe, file: string, options: FfmpegOptions): DecodePlan {
  const streams = (info.streams ?? []).filter((s) => s.codec_type === "audio");
  const stream = streams[0];
  if (!stream) throw new AudioReadError("NOT_AUDIO", file, "the file has no audio stream");
  const sampleRate = Number(stream.sample_rate);
  const firstChannels = stream.channels ?? 0;
  if (firstChannels === 0)
    throw new AudioReadError("ZERO_CHANNELS", file, "the audio stream has zero channels");
  if (!(sampleRate > 0)) throw new AudioReadError("BAD_FMT", file, "the audio stream has no sample rate");

  // MXF and MOV masters often carry one mono track per channel. A --layout naming as many channels as
  // all the audio streams together asks for them to be measured as one programme, in stream order.
  const allChannels = streams.reduce((n, s) => n + (s.channels ?? 0), 0);
  const merge =
    streams.length > 1 &&
    options.layout?.length === allChannels &&
    allChannels !== firstChannels &&
    streams.every((s) => Number(s.sample_rate) === sampleRate);
  const channels = merge ? allChannels : firstChannels;

  const warnings: string[] = [];
  if (merge) {
    warnings.push(
      `${streams.length} audio streams measured together as one ${channels}-channel programme, in stream order`,
    );
  } else if (streams.length > 1) {
    warnings.push(
      `the file has ${streams.length} audio streams (${allChannels} channels); only the first was measured. Give --layout with ${allChannels} labels to measure them together`,
    );
  }
  const fromContainer = merge ? undefined : labelsFromFfmpegLayout(stream.channel_layout, channels);
  const layout =
    options.layout || !fromContainer
      ? decideLayout(channels, undefined, options.layout, file)
      : { labels: fromContainer, source: "container" as const, warnings: [] };
  warnings.push(...layout.warnings);

  // merged streams may differ in sample format: decode all of them to float32, which holds 24-bit exactly
  const encoding = merge ? outputEncoding("flt") : outputEncoding(stream.sample_fmt ?? "s32");
  const duration = Number(stream.duration ?? info.format?.duration);
  const container = (info.format?.format_name ?? "unknown").split(",")[0].toUpperCase();
  const format: PcmFormat = {
    sampleType: encoding.sampleType,
    bitsPerSample: encoding.bits,
    sampleRate,
    channels,
    channelLayout: layout.labels,
    layoutSource: layout.source,
    container,
    codec: stream.codec_name ?? "unknown",
  };
  if (duration > 0) format.totalFrames = Math.round(duration * sampleRate);
  const timecode = containerTimecode(info, sampleRate);
  if (timecode.kind === "found") {
    format.timeReferenceSamples = timecode.timeReferenceSamples;
    format.timeReferenceSource = "container-timecode";
    format.timecodeRate = timecode.rate.name;
  } else if (timecode.kind === "unusable") warnings.push(timecode.warning);

  const args = ["-vn", "-sn", "-dn"];
  if (merge) {
    const inputs = streams.map((_, i) => `[0:a:${i}]`).join("");
    args.push("-filter_complex", `${inputs}amerge=inputs=${streams.length}[merged]`, "-map", "[merged]");
  } else {
    args.push("-map", "0:a:0");
  }
  args.push("-f", encoding.ffmpegFormat, "-acodec", `pcm_${encoding.ffmpegFormat}`, "-");
  return {
    format,
    bitDepth: sourceBitDepth(stream),
    warnings,
    bytesPerFrame: (encoding.bits / 8) * channels,
    outputArgs: args,
  };
}

/**
 * Runs ffmpeg with `inputArgs` and the plan's output arguments and reads raw PCM from it. With `input`,
 * its pieces are written to ffmpeg's standard input (with back-pressure) and it is closed afterwards.
 */
function decode(
  inputArgs: string[],
  plan: DecodePlan,
  file: string,
  input?: { feed: AsyncIterable<Uint8Array>; close: () => Promise<void> },
): AudioReader {
  const { format, warnings, bytesPerFrame } = plan;
  const child = spawn("ffmpeg", [...inputArgs, ...plan.outputArgs], {
    stdio: [input ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (input && child.stdin) {
    const stdin = child.stdin;
    // ffmpeg exiting early (a decode error, close()) breaks the pipe: its exit code tells the story
    stdin.on("error", () => {});
    (async () => {
      for await (const piece of input.feed) {
        if (stdin.destroyed) break;
        // drain, or close when ffmpeg is gone (else this would wait forever)
        if (!stdin.write(piece)) await Promise.race([once(stdin, "drain"), once(stdin, "close")]);
      }
      stdin.end();
    })()
      .catch(() => stdin.destroy())
      .finally(() => input.close().catch(() => {}));
  }
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => resolve(code));
    child.on("error", () => resolve(-1));
  });
  const source = new StreamByteSource(child.stdout!);
  const chunkBytes = framesPerChunk(bytesPerFrame) * bytesPerFrame;
  const pool = new BufferPool(chunkBytes);
  let closed = false;

  const close = async () => {
    if (closed) return;
    closed = true;
    if (child.exitCode === null) child.kill("SIGKILL");
    await source.close();
    await exited;
  };

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      for (;;) {
        const bytes = await source.read(chunkBytes, pool.take());
        const whole = bytes.length - (bytes.length % bytesPerFrame);
        if (whole > 0) yield whole === bytes.length ? bytes : bytes.subarray(0, whole);
        if (bytes.length < chunkBytes) break;
      }
      const code = await exited;
      if (code !== 0) {
        const why = stderr.trim().split("\n").slice(-3).join(" / ");
        throw new AudioReadError(
          "DECODE_FAILED",
          file,
          `ffmpeg could not decode the audio (exit ${code}): ${why}`,
        );
      }
      finished = true;
    } finally {
      if (!finished) await close();
      else closed = true;
    }
  }

  return {
    format,
    bitDepth: plan.bitDepth,
    warnings,
    chunks,
    close,
    recycle: (chunk) => pool.give(chunk),
  };
}
