import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { encodeWav } from "../io/wav-writer.ts";

const bin = fileURLToPath(new URL("../../bin/loupe.js", import.meta.url));

function loupe(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * 6 s stereo 1 kHz sine, the same in both channels: a stereo 1 kHz sine with peak P dBFS measures
 * P LUFS (EBU Tech 3341 case 1). No speech, so partner QC decides on full programme.
 */
function toneWav(peakDbfs: number, burstPeak?: number): Uint8Array {
  const rate = 48000;
  const frames = rate * 6;
  const samples = new Float64Array(frames * 2);
  const a = 10 ** (peakDbfs / 20);
  for (let i = 0; i < frames; i++) {
    const burst = burstPeak !== undefined && i >= rate * 3 && i < rate * 3.01;
    const v = (burst ? burstPeak : a) * Math.sin((2 * Math.PI * 1000 * i) / rate);
    samples[2 * i] = v;
    samples[2 * i + 1] = v;
  }
  return encodeWav({ sampleRate: rate, channels: 2, bitsPerSample: 24 }, samples);
}

describe("loupe check", () => {
  let dir: string;
  let passing: string;
  let loud: string;
  let hot: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "loupe-check-"));
    passing = path.join(dir, "tone-24.wav");
    loud = path.join(dir, "tone-12.wav");
    hot = path.join(dir, "tone-24-burst.wav");
    await writeFile(passing, toneWav(-24));
    await writeFile(loud, toneWav(-12));
    // a 10 ms burst at -0.5 dBFS peak: true peak over -1 dBTP at 00:00:03:00, loudness still near -24
    await writeFile(hot, toneWav(-24, 10 ** (-0.5 / 20)));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("exit 0 when it passes; the report names the spec version and the dialogue-gated label", async () => {
    const r = await loupe(["check", passing, "--date", "2021-02-02"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /PASS/);
    assert.match(r.stdout, /partner-qc v2/);
    assert.match(r.stdout, /open approximation of Dolby Dialogue Intelligence/);
    assert.match(r.stdout, /full programme\s+-24\.0 LKFS/);
  });
  test("exit 1 with [020] when both loudness steps fail; --json carries the verdict", async () => {
    const r = await loupe(["check", loud, "--json", "--date", "2021-02-02"]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.verdict.result, "flagged");
    assert.equal(out.verdict.spec.version, 2);
    assert.equal(out.verdict.flags[0].code, "020");
    assert.equal(out.verdict.loudness.decidedBy, "full-programme");
    assert.equal(out.measurement.speechPercent, 0);
    assert.equal(out.measurement.dialogueGatedLufs, null);
  });
  test("true peak over -1 dBTP: exit 1 for 5.1/2.0 with the over's timecode, exit 0 for Atmos (FYI)", async () => {
    const stereo = await loupe(["check", hot, "--json", "--date", "2021-02-02", "--frame-rate", "25"]);
    assert.equal(stereo.code, 1, stereo.stderr);
    const flag = JSON.parse(stereo.stdout).verdict.flags.find((f: { code: string }) => f.code === "022");
    assert.equal(flag.severity, "Issue");
    assert.equal(flag.overs[0].startTimecode, "00:00:03:00");
    const atmos = await loupe(["check", hot, "--mix", "atmos", "--date", "2021-02-02"]);
    assert.equal(atmos.code, 0, atmos.stderr);
    assert.match(atmos.stdout, /\[022\] FYI/);
  });
  test("exit 2 for input errors", async () => {
    assert.equal((await loupe(["check", path.join(dir, "missing.wav")])).code, 2);
    assert.equal((await loupe(["check", passing, "--date", "2021-13-45"])).code, 2);
    assert.equal((await loupe(["check", passing, "--spec", "netflix"])).code, 2);
    assert.equal((await loupe(["check"])).code, 2);
  });
});
