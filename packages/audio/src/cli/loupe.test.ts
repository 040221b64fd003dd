import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { encodeWav } from "../io/wav-writer.ts";

const bin = fileURLToPath(new URL("../../bin/loupe.js", import.meta.url));
const ebuFile = fileURLToPath(
  new URL("../../../../../shared/testdata/ebu-loudness-v05/seq-3341-1-16bit.wav", import.meta.url),
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function loupe(args: string[], options: { stdin?: Uint8Array; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin);
  });
}

let dir: string;
let tone: string;
let toneBytes: Uint8Array;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loupe-cli-"));
  // 3 s stereo 1 kHz at 0.5 peak with a 0.1 s burst at 0.99 on R from 1 s
  const samples = new Float64Array(3 * 48000 * 2);
  for (let i = 0; i < 3 * 48000; i++) {
    const s = Math.sin((2 * Math.PI * 1000 * i) / 48000);
    samples[2 * i] = 0.5 * s;
    samples[2 * i + 1] = (i >= 48000 && i < 52800 ? 0.99 : 0.5) * s;
  }
  toneBytes = encodeWav(
    { sampleRate: 48000, channels: 2, bitsPerSample: 24, timeReferenceSamples: 3600 * 48000 },
    samples,
  );
  tone = path.join(dir, "tone.wav");
  await writeFile(tone, toneBytes);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loupe measure (end to end)", () => {
  test("--json prints the documented field names and exits 0", async () => {
    const run = await loupe(["measure", tone, "--json", "--threads", "2", "--tp-threshold", "-3"]);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(r).slice(0, 12), [
      "file",
      "format",
      "durationSeconds",
      "integratedLufs",
      "loudnessRangeLu",
      "maxMomentaryLufs",
      "maxShortTermLufs",
      "truePeakDbtp",
      "samplePeakDbfs",
      "truePeakFilter",
      "channels",
      "truePeakOvers",
    ]);
    assert.deepEqual(Object.keys(r.format), [
      "container",
      "codec",
      "sampleRate",
      "bitDepth",
      "channels",
      "channelLayout",
      "layoutSource",
      "startTimecode",
      "timecodeOrigin",
      "frameRate",
    ]);
    assert.deepEqual(
      [r.format.startTimecode, r.format.timecodeOrigin, r.format.frameRate],
      ["01:00:00:00", "bwf", "25"],
    );
    assert.equal(r.file, tone);
    assert.deepEqual(Object.keys(r.channels[0]), ["label", "truePeakDbtp", "samplePeakDbfs"]);
    assert.equal(r.truePeakOvers.length, 1);
    assert.deepEqual(Object.keys(r.truePeakOvers[0]).sort(), [
      "channel",
      "endSeconds",
      "endTimecode",
      "peakDbtp",
      "startSeconds",
      "startTimecode",
    ]);
    assert.equal(r.truePeakOvers[0].startTimecode, "01:00:01:00");
  });

  test("-inf is null in JSON (digital silence)", async () => {
    const silent = path.join(dir, "silence.wav");
    await writeFile(
      silent,
      encodeWav({ sampleRate: 48000, channels: 1, bitsPerSample: 16 }, new Float64Array(48000)),
    );
    const run = await loupe(["measure", "--json", silent]);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout);
    assert.equal(r.integratedLufs, null);
    assert.equal(r.truePeakDbtp, null);
    assert.equal(r.channels[0].samplePeakDbfs, null);
    assert.deepEqual(r.format.channelLayout, ["M"]);
  });

  test("--dual-mono: a mono file reads 3.01 LU louder and says so; a stereo file is refused (exit 2)", async () => {
    const mono = path.join(dir, "mono-tone.wav");
    const x = new Float64Array(3 * 48000).map((_, i) => 0.25 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    await writeFile(mono, encodeWav({ sampleRate: 48000, channels: 1, bitsPerSample: 24 }, x));
    const plain = JSON.parse((await loupe(["measure", "--json", mono])).stdout);
    const dual = await loupe(["measure", "--json", "--dual-mono", mono]);
    assert.equal(dual.code, 0, dual.stderr);
    const r = JSON.parse(dual.stdout);
    assert.equal(r.dualMono, true);
    assert.ok(Math.abs(r.integratedLufs - plain.integratedLufs - 10 * Math.log10(2)) < 1e-9);
    const table = await loupe(["measure", "--dual-mono", mono]);
    assert.match(table.stdout, /measured as dual mono/);
    const stereo = await loupe(["measure", "--dual-mono", tone]);
    assert.equal(stereo.code, 2);
    assert.match(stereo.stderr, /dual mono applies to a one-channel file.*\[BAD_LAYOUT\]/);
  });

  test("the table: format line, levels, channel peaks, overs with timecode", async () => {
    const run = await loupe(["measure", tone, "--frame-rate", "25"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /BWF pcm_s24le, 48000 Hz, 24-bit, 2 ch \(L R; standard order assumed\)/);
    assert.match(run.stdout, /Integrated\s+-?\d+\.\d LUFS/);
    assert.match(run.stdout, /True peak\s+-0\.\d dBTP \(reference filter\)/);
    assert.match(run.stdout, /True-peak overs above -1\.0 dBTP: 1/);
    assert.match(run.stdout, /R\s+01:00:01:00\s+01:00:01:02/);
  });

  test("several files, one unreadable: the others are printed, exit 2, the error names the file", async () => {
    const missing = path.join(dir, "missing.wav");
    const notAudio = path.join(dir, "notes.txt");
    await writeFile(notAudio, "just some text, not audio\n");
    const run = await loupe(["measure", "--json", tone, missing, notAudio, tone]);
    assert.equal(run.code, 2);
    const results = JSON.parse(run.stdout);
    assert.equal(results.length, 2);
    assert.match(
      run.stderr,
      new RegExp(`${missing.replace(/[.]/g, "\\.")}: no such file \\[FILE_NOT_FOUND\\]`),
    );
    assert.match(run.stderr, /notes\.txt: .*\[NOT_AUDIO\]/);
  });

  test("standard input (-) and --series CSV", async () => {
    const csv = path.join(dir, "series.csv");
    const run = await loupe(["measure", "-", "--json", "--series", csv], { stdin: toneBytes });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).file, "-");
    const lines = (await readFile(csv, "utf8")).trim().split("\n");
    assert.equal(lines[0], "time_s,momentary_lufs,short_term_lufs");
    assert.equal(lines.length, 1 + 30);
    assert.match(lines[1], /^0\.1,(-inf|-?\d+\.\d\d),(-inf|-?\d+\.\d\d)$/);
    assert.match(lines[30], /^3\.0,-?\d+\.\d\d,-?\d+\.\d\d$/);
  });

  test("standard input from a shell pipe is read as a pipe", async () => {
    const run = await new Promise<Run>((resolve, reject) => {
      const script = `cat "$1" | "$2" "$3" measure - --json`;
      const child = spawn("sh", ["-c", script, "sh", tone, process.execPath, bin]);
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout);
    assert.equal(r.file, "-");
    assert.equal(r.durationSeconds, 3);
    assert.equal(r.truePeakOvers[0].startTimecode, "01:00:01:00");
  });

  test("usage errors exit 1; --help exits 0", async () => {
    assert.equal((await loupe(["measure"])).code, 1);
    const bad = await loupe(["measure", tone, "--frame-rate", "31"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--frame-rate must be one of/);
    assert.equal((await loupe(["measure", tone, "--tp-filter", "magic"])).code, 1);
    assert.equal((await loupe(["measure", tone, "--layout", "L,R,Q"])).code, 1);
    assert.equal((await loupe(["frobnicate"])).code, 1);
    const help = await loupe(["measure", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--tp-threshold DBTP/);
  });

  test("without ffmpeg a non-WAV file gets the install message", async () => {
    const flac = path.join(dir, "a.flac");
    await writeFile(flac, new Uint8Array([0x66, 0x4c, 0x61, 0x43, 0, 0, 0, 34, ...new Uint8Array(40)]));
    const run = await loupe(["measure", flac], { env: { ...process.env, PATH: "/nonexistent" } });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /ffmpeg is not installed: install the Debian package ffmpeg to read \.flac files; WAV\/BWF\/RF64 are read natively \[FFMPEG_MISSING\]/,
    );
  });

  test("the real EBU 3341-1 file reads -23.0 LUFS", {
    skip: !existsSync(ebuFile) && "EBU test files absent",
  }, async () => {
    const run = await loupe(["measure", ebuFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Integrated\s+-23\.0 LUFS/);
  });
});
