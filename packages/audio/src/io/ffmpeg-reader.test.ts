import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { measureFile, measureStream } from "../measure.ts";
import { whiteNoise } from "../test-support/signals.ts";
import { AudioReadError } from "./errors.ts";
import { labelsFromFfmpegLayout } from "./ffmpeg-reader.ts";
import { openAudioFile } from "./open-audio.ts";
import { encodeWav } from "./wav-writer.ts";

function ffmpegInstalled(): boolean {
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
    execFileSync("ffprobe", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const skip = ffmpegInstalled() ? false : "ffmpeg is not installed (Debian package ffmpeg)";

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loupe-ffmpeg-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 0.5 s of a 5.1 24-bit WAV with a different constant-ish ramp per channel, and its samples. */
async function source51(): Promise<{ wav: string; samples: Float64Array }> {
  const frames = 24000;
  const samples = new Float64Array(frames * 6);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < 6; c++)
      samples[i * 6 + c] = (c + 1) * 0.1 * Math.sin((2 * Math.PI * 440 * i) / 48000);
  }
  const wav = path.join(dir, "src.wav");
  await writeFile(
    wav,
    encodeWav({ sampleRate: 48000, channels: 6, bitsPerSample: 24, channelMask: 0x60f }, samples),
  );
  return { wav, samples };
}

describe("ffmpeg reader", { skip }, () => {
  test("FLAC 5.1(side) 24-bit: decoded exactly, layout from the container", async () => {
    const { wav, samples } = await source51();
    const flac = path.join(dir, "a.flac");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", wav, "-c:a", "flac", flac]);
    const reader = await openAudioFile(flac);
    assert.equal(reader.format.container, "FLAC");
    assert.equal(reader.format.codec, "flac");
    assert.equal(reader.bitDepth, 24);
    assert.equal(reader.format.sampleType, "int");
    assert.equal(reader.format.bitsPerSample, 32);
    assert.deepEqual(reader.format.channelLayout, ["L", "R", "C", "LFE", "Ls", "Rs"]);
    assert.equal(reader.format.layoutSource, "container");
    const parts: Uint8Array[] = [];
    for await (const chunk of reader.chunks()) parts.push(chunk);
    const pcm = Buffer.concat(parts);
    assert.equal(pcm.length, 24000 * 6 * 4);
    // s32le: the 24-bit value shifted left by 8; channel 6 at frame 100
    const at = (100 * 6 + 5) * 4;
    assert.equal(pcm.readInt32LE(at) >> 8, Math.round(samples[100 * 6 + 5] * 2 ** 23));
  });

  test("MOV with float PCM keeps float, stereo", async () => {
    const mov = path.join(dir, "a.mov");
    execFileSync("ffmpeg", [
      ...["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1000:duration=1:sample_rate=48000"],
      ...["-ac", "2", "-c:a", "pcm_f32le", mov],
    ]);
    const reader = await openAudioFile(mov);
    assert.equal(reader.format.container, "MOV");
    assert.equal(reader.format.sampleType, "float");
    assert.deepEqual(reader.format.channelLayout, ["L", "R"]);
    let bytes = 0;
    for await (const chunk of reader.chunks()) bytes += chunk.length;
    assert.equal(bytes, 48000 * 2 * 4);
  });

  test("mono tracks are measured together when --layout names all their channels", async () => {
    const mov = path.join(dir, "tracks.mov");
    execFileSync("ffmpeg", [
      ...["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1000:duration=1:sample_rate=48000"],
      ...["-f", "lavfi", "-i", "sine=frequency=500:duration=1:sample_rate=48000"],
      ...["-map", "0:a", "-map", "1:a", "-c:a", "pcm_s24le", mov],
    ]);
    const first = await openAudioFile(mov);
    assert.equal(first.format.channels, 1);
    assert.match(first.warnings.join(), /only the first was measured/);
    await first.close();
    const merged = await openAudioFile(mov, { layout: ["L", "R"] });
    assert.equal(merged.format.channels, 2);
    assert.deepEqual(merged.format.channelLayout, ["L", "R"]);
    const parts: Uint8Array[] = [];
    for await (const chunk of merged.chunks()) parts.push(chunk);
    const pcm = Buffer.concat(parts);
    assert.equal(pcm.length, 48000 * 2 * 4);
    // ffmpeg's sine has amplitude 1/8. At frame 36 the 1 kHz track (channel 1) is at its trough and the
    // 500 Hz track (channel 2) still positive; at frame 60 the 500 Hz one is negative
    const at = (frame: number, channel: number) => pcm.readFloatLE((frame * 2 + channel) * 4);
    assert.ok(at(36, 0) < -0.12, `${at(36, 0)}`);
    assert.ok(at(36, 1) > 0.08 && at(60, 1) < -0.08, `${at(36, 1)} ${at(60, 1)}`);
  });

  test("MOV with a timecode track: overs are timed from the container's timecode, at its rate", async () => {
    const mov = path.join(dir, "tc.mov");
    // 2 s of quiet noise with a 0 dBFS burst from 1.0 s to 1.1 s; 29.97 drop-frame video and timecode
    execFileSync("ffmpeg", [
      ...["-v", "error", "-y", "-f", "lavfi", "-i"],
      "aevalsrc=if(between(t\\,1\\,1.1)\\,sin(2*PI*997*t)\\,0.01*sin(2*PI*440*t)):s=48000:d=2",
      ...["-f", "lavfi", "-i", "color=c=black:s=16x16:r=30000/1001:d=2"],
      ...["-c:a", "pcm_s24le", "-c:v", "mpeg4", "-timecode", "01:00:00;02", mov],
    ]);
    const result = await measureFile(mov, { overThresholdDbtp: -1 });
    assert.equal(result.format.timecodeOrigin, "container-timecode");
    assert.equal(result.format.frameRate, "29.97df");
    assert.equal(result.format.startTimecode, "01:00:00;02");
    assert.equal(result.truePeakOvers.length, 1);
    // 1.0 s is 29.97 frames: the over starts in the 29th frame after 01:00:00;02 (30 would be 1.001 s)
    assert.equal(result.truePeakOvers[0].startTimecode, "01:00:01;01");
    // an explicit --frame-rate still wins, counting the same instant
    const at25 = await measureFile(mov, { overThresholdDbtp: -1, frameRate: "25" });
    assert.equal(at25.format.frameRate, "25");
    assert.equal(at25.format.startTimecode.slice(0, 8), "01:00:00");
  });

  test("FLAC through a pipe or a stream (longer than the probe's 5 MB) measures as the file does", async () => {
    // 10 s of independent 24-bit white noise per channel: FLAC cannot shrink it below the probe size
    const frames = 480000;
    const noise = new Float64Array(frames * 6);
    const chans = [1, 2, 3, 4, 5, 6].map((seed) => whiteNoise(frames, 0.2, seed));
    for (let i = 0; i < frames; i++) for (let c = 0; c < 6; c++) noise[i * 6 + c] = chans[c][i];
    const wav = path.join(dir, "noise.wav");
    await writeFile(wav, encodeWav({ sampleRate: 48000, channels: 6, bitsPerSample: 24 }, noise));
    const flac = path.join(dir, "noise.flac");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", wav, "-c:a", "flac", flac]);
    const bytes = await readFile(flac);
    assert.ok(bytes.length > 5_000_000, `${bytes.length} bytes: the feed must go past the probe`);
    const fromFile = await measureFile(flac);
    // a generator of 64 KB pieces, as a socket or process.stdin would deliver them
    async function* pieces() {
      for (let p = 0; p < bytes.length; p += 65536) yield bytes.subarray(p, p + 65536);
    }
    const fromStream = await measureStream(pieces(), { name: "upload.flac" });
    assert.equal(fromStream.file, "upload.flac");
    assert.equal(fromStream.format.container, "FLAC");
    assert.equal(fromStream.durationSeconds, fromFile.durationSeconds);
    assert.equal(fromStream.integratedLufs, fromFile.integratedLufs);
    assert.equal(fromStream.truePeakDbtp, fromFile.truePeakDbtp);
    // and a real pipe into the command: `cat noise.flac | loupe measure - --json`
    const loupe = fileURLToPath(new URL("../../bin/loupe.js", import.meta.url));
    const out = execFileSync("sh", [
      "-c",
      `cat '${flac}' | '${process.execPath}' '${loupe}' measure - --json`,
    ]);
    const piped = JSON.parse(out.toString());
    assert.equal(piped.file, "-");
    assert.equal(piped.integratedLufs, fromFile.integratedLufs);
  });

  test("a stream ffprobe cannot read is NOT_AUDIO, with what to do", async () => {
    const junk = new Uint8Array(100_000).map((_, i) => (i * 7919) % 251);
    await assert.rejects(
      measureStream([junk], { name: "junk.bin" }),
      (e: unknown) =>
        e instanceof AudioReadError && e.code === "NOT_AUDIO" && /give its path/.test(e.message),
    );
  });

  test("a file with no audio stream or no media at all is NOT_AUDIO", async () => {
    const text = path.join(dir, "notes.mov");
    await writeFile(text, "this is not a movie\n");
    await assert.rejects(
      openAudioFile(text),
      (e: unknown) => e instanceof AudioReadError && e.code === "NOT_AUDIO",
    );
    const png = path.join(dir, "image.png");
    execFileSync("ffmpeg", [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "color=c=red:s=16x16",
      "-frames:v",
      "1",
      png,
    ]);
    await assert.rejects(
      openAudioFile(png),
      (e: unknown) =>
        e instanceof AudioReadError && e.code === "NOT_AUDIO" && /no audio stream/.test(e.message),
    );
  });

  test("A-law WAV (not PCM) is handed to ffmpeg", async () => {
    const alaw = path.join(dir, "alaw.wav");
    execFileSync("ffmpeg", [
      ...["-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=0.5:sample_rate=8000"],
      ...["-c:a", "pcm_alaw", alaw],
    ]);
    const reader = await openAudioFile(alaw);
    assert.equal(reader.format.codec, "pcm_alaw");
    await reader.close();
  });
});

test("ffmpeg layout names map to labels", () => {
  assert.deepEqual(labelsFromFfmpegLayout("5.1", 6), ["L", "R", "C", "LFE", "Ls", "Rs"]);
  assert.deepEqual(labelsFromFfmpegLayout("7.1", 8), ["L", "R", "C", "LFE", "Lrs", "Rrs", "Lss", "Rss"]);
  assert.deepEqual(labelsFromFfmpegLayout("FL+FR+FC", 3), ["L", "R", "C"]);
  assert.equal(labelsFromFfmpegLayout("5.1", 2), undefined);
  assert.equal(labelsFromFfmpegLayout(undefined, 2), undefined);
});
