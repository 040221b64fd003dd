import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { AudioReadError } from "./io/errors.ts";
import { encodePcm, encodeWav, type WavWriteOptions, wavHeader } from "./io/wav-writer.ts";
import { analyseFile, type MeasureProgress, measureFile, measureStream } from "./measure.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const ebuDir = path.resolve(repoRoot, "../shared/testdata/ebu-loudness-v05");
const ebuSkip = existsSync(ebuDir) ? false : `EBU test files not found at ${ebuDir}`;
const ebu = (name: string) => path.join(ebuDir, name);

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "loupe-measure-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stereo 1 kHz sine at `peak` (linear) for `seconds`, optional burst on R at [burstAt, burstAt + 0.1 s). */
function tone(seconds: number, peak: number, burst?: { at: number; peak: number }): Float64Array {
  const fs = 48000;
  const out = new Float64Array(seconds * fs * 2);
  for (let i = 0; i < seconds * fs; i++) {
    const s = Math.sin((2 * Math.PI * 1000 * i) / fs);
    out[2 * i] = peak * s;
    const inBurst = burst && i >= burst.at * fs && i < (burst.at + 0.1) * fs;
    out[2 * i + 1] = (inBurst ? burst.peak : peak) * s;
  }
  return out;
}

describe("measureFile on the EBU test set", { skip: ebuSkip }, () => {
  test("3341-1 and -2: integrated -23.0 and -33.0 (+-0.1)", async () => {
    const one = await measureFile(ebu("seq-3341-1-16bit.wav"));
    assert.ok(Math.abs(one.integratedLufs! + 23) <= 0.1, `${one.integratedLufs}`);
    const two = await measureFile(ebu("seq-3341-2-16bit.wav"), { threads: 0 });
    assert.ok(Math.abs(two.integratedLufs! + 33) <= 0.1, `${two.integratedLufs}`);
    assert.equal(one.format.layoutSource, "standard-order");
    assert.deepEqual(one.format.channelLayout, ["L", "R"]);
  });

  const tp: [number, number][] = [
    [15, -6],
    [16, -6],
    [17, -6],
    [18, -6],
    [19, 3],
    [20, 0],
    [21, 0],
    [22, 0],
    [23, 0],
  ];
  for (const filter of ["reference", "high-precision"] as const) {
    test(`3341-15..23: true peak within +0.2/-0.4 dB (${filter} filter)`, async () => {
      for (const [n, expected] of tp) {
        const r = await measureFile(ebu(`seq-3341-${n}-24bit.wav`), { threads: 0, truePeakFilter: filter });
        const got = r.truePeakDbtp!;
        assert.ok(
          got <= expected + 0.2 && got >= expected - 0.4,
          `case ${n}: ${got} dBTP, expected ${expected}`,
        );
        assert.equal(r.truePeakFilter, filter);
      }
    });
  }

  test("3341-13-1..20: max momentary -23.0 +-0.1", async () => {
    for (let i = 1; i <= 20; i++) {
      const r = await measureFile(ebu(`seq-3341-13-${i}-24bit.wav`), { threads: 0 });
      assert.ok(Math.abs(r.maxMomentaryLufs! + 23) <= 0.1, `13-${i}: ${r.maxMomentaryLufs}`);
    }
  });

  test("3341-10-x: max short-term -23.0 +-0.1", async () => {
    for (const i of [1, 2, 10, 20]) {
      const r = await measureFile(ebu(`seq-3341-10-${i}-24bit.wav`), { threads: 0 });
      assert.ok(Math.abs(r.maxShortTermLufs! + 23) <= 0.1, `10-${i}: ${r.maxShortTermLufs}`);
    }
  });

  test("3341-6 (5 channels, L R C Ls Rs): -23.0 +-0.1 with --layout", {
    skip: !existsSync(ebu("seq-3341-6-5channels-16bit.wav")) && "seq-3341-6 is not in the test set",
  }, async () => {
    const r = await measureFile(ebu("seq-3341-6-5channels-16bit.wav"), { layout: "L,R,C,Ls,Rs" });
    assert.ok(Math.abs(r.integratedLufs! + 23) <= 0.1, `${r.integratedLufs}`);
  });
});

describe("measureFile", () => {
  test("overs get timecode from the BWF time reference", async () => {
    const o: WavWriteOptions = {
      sampleRate: 48000,
      channels: 2,
      bitsPerSample: 24,
      timeReferenceSamples: 10 * 3600 * 48000, // 10:00:00:00
    };
    const file = path.join(dir, "bwf-over.wav");
    await writeFile(file, encodeWav(o, tone(4, 0.1, { at: 2, peak: 0.99 })));
    const r = await measureFile(file, { frameRate: "25", overThresholdDbtp: -1, threads: 2 });
    assert.equal(r.format.container, "BWF");
    assert.equal(r.truePeakOvers.length, 1);
    const over = r.truePeakOvers[0];
    assert.equal(over.channel, "R");
    assert.ok(Math.abs(over.startSeconds - 2) < 0.001, `${over.startSeconds}`);
    assert.ok(Math.abs(over.endSeconds - 2.1) < 0.001, `${over.endSeconds}`);
    assert.equal(over.startTimecode, "10:00:02:00");
    assert.equal(over.endTimecode, "10:00:02:02");
    // without a time reference the same burst is at 00:00:02:00; drop-frame rates use ";"
    const plain = path.join(dir, "plain-over.wav");
    await writeFile(
      plain,
      encodeWav({ ...o, timeReferenceSamples: undefined }, tone(4, 0.1, { at: 2, peak: 0.99 })),
    );
    const p = await measureFile(plain, { frameRate: "29.97df", threads: 0 });
    assert.equal(p.truePeakOvers[0].startTimecode, "00:00:01;29"); // 2 s of real time is frame 59.94
    // a higher threshold lists nothing
    assert.equal((await measureFile(plain, { overThresholdDbtp: 0, threads: 0 })).truePeakOvers.length, 0);
  });

  test("integer, float and RF64 encodings of the same signal measure the same", async () => {
    const samples = tone(3, 0.25);
    const results: number[] = [];
    for (const o of [
      { bitsPerSample: 16 },
      { bitsPerSample: 24, rf64: true },
      { bitsPerSample: 32, channelMask: 3 },
      { sampleType: "float" as const, bitsPerSample: 32 },
      { sampleType: "float" as const, bitsPerSample: 64 },
    ]) {
      const file = path.join(dir, `enc-${o.bitsPerSample}-${o.sampleType ?? "int"}.wav`);
      await writeFile(file, encodeWav({ sampleRate: 48000, channels: 2, ...o }, samples));
      const r = await measureFile(file, { threads: 0 });
      assert.equal(r.durationSeconds, 3);
      results.push(r.integratedLufs!);
    }
    // 0.25 peak stereo 1 kHz: -12.04 dBFS -> about -12.04 LUFS (K gain at 1 kHz cancels the -0.691)
    for (const v of results)
      assert.ok(Math.abs(v - results[4]) < 0.01 && Math.abs(v + 12.04) < 0.1, `${results}`);
  });

  test("dual mono: a mono file reads as its stereo pair (+3.01 dB); other channel counts are refused", async () => {
    const stereo = tone(3, 0.25);
    const mono = stereo.filter((_, i) => i % 2 === 0);
    const monoFile = path.join(dir, "mono.wav");
    const stereoFile = path.join(dir, "stereo.wav");
    await writeFile(monoFile, encodeWav({ sampleRate: 48000, channels: 1, bitsPerSample: 24 }, mono));
    await writeFile(stereoFile, encodeWav({ sampleRate: 48000, channels: 2, bitsPerSample: 24 }, stereo));
    const plain = await measureFile(monoFile);
    const dual = await measureFile(monoFile, { dualMono: true });
    const pair = await measureFile(stereoFile);
    assert.equal(plain.dualMono, undefined);
    assert.equal(dual.dualMono, true);
    assert.ok(Math.abs(dual.integratedLufs! - plain.integratedLufs! - 10 * Math.log10(2)) < 1e-9);
    assert.ok(
      Math.abs(dual.integratedLufs! - pair.integratedLufs!) < 1e-9,
      `${dual.integratedLufs} ${pair.integratedLufs}`,
    );
    // peaks are the channel's own
    assert.equal(dual.truePeakDbtp, plain.truePeakDbtp);
    await assert.rejects(
      measureFile(stereoFile, { dualMono: true }),
      (e) => e instanceof AudioReadError && e.code === "BAD_LAYOUT" && /one-channel/.test(e.message),
    );
  });

  test("progress is reported, and the layout option overrides the file", async () => {
    const file = path.join(dir, "progress.wav");
    await writeFile(file, encodeWav({ sampleRate: 48000, channels: 2, bitsPerSample: 24 }, tone(30, 0.1)));
    const seen: MeasureProgress[] = [];
    const r = await measureFile(file, { onProgress: (p) => seen.push(p), layout: "C,LFE", threads: 0 });
    assert.ok(seen.length >= 2);
    assert.equal(seen.at(-1)!.fraction, 1);
    assert.equal(seen.at(-1)!.frames, 30 * 48000);
    assert.deepEqual(r.format.channelLayout, ["C", "LFE"]);
    assert.equal(r.format.layoutSource, "user");
    // LFE is not in loudness: one channel of a stereo tone instead of two, 3 dB down
    const both = await measureFile(file, { threads: 0 });
    assert.ok(Math.abs(both.integratedLufs! - r.integratedLufs! - 3.01) < 0.05);
  });

  test("an abort stops the measurement and rejects with the reason", async () => {
    const file = path.join(dir, "abort.wav");
    await writeFile(
      file,
      encodeWav({ sampleRate: 48000, channels: 6, bitsPerSample: 24 }, new Float64Array(48000 * 6 * 60)),
    );
    const controller = new AbortController();
    const reason = new Error("stop now");
    let chunks = 0;
    await assert.rejects(
      measureFile(file, {
        signal: controller.signal,
        threads: 2,
        onProgress: () => {
          if (++chunks === 2) controller.abort(reason);
        },
      }),
      (e) => e === reason,
    );
    assert.equal(chunks, 2);
    const already = AbortSignal.abort(new Error("before start"));
    await assert.rejects(measureFile(file, { signal: already }), /before start/);
  });

  test("unreadable files reject with AudioReadError", async () => {
    await assert.rejects(
      measureFile(path.join(dir, "missing.wav")),
      (e) => e instanceof AudioReadError && e.code === "FILE_NOT_FOUND",
    );
    const file = path.join(dir, "bad-layout.wav");
    await writeFile(file, encodeWav({ sampleRate: 48000, channels: 2, bitsPerSample: 16 }, tone(1, 0.1)));
    await assert.rejects(
      measureFile(file, { layout: "L,R,C" }),
      (e) => e instanceof AudioReadError && e.code === "BAD_LAYOUT",
    );
    await assert.rejects(
      measureFile(file, { layout: "L,Q" }),
      (e) => e instanceof AudioReadError && e.code === "BAD_LAYOUT",
    );
    await assert.rejects(measureFile(file, { frameRate: "31" }), RangeError);
  });
});

describe("measureStream", () => {
  test("a WAV stream and raw PCM chunks give the same result as the file", async () => {
    const o: WavWriteOptions = {
      sampleRate: 48000,
      channels: 2,
      bitsPerSample: 24,
      declaredDataSize: 0xffffffff,
    };
    const samples = tone(5, 0.2, { at: 1, peak: 0.95 });
    const data = encodePcm(samples, o);
    const file = path.join(dir, "stream.wav");
    await writeFile(file, encodeWav({ ...o, declaredDataSize: undefined }, samples));
    const fromFile = await measureFile(file, { threads: 0 });
    async function* pieces(bytes: Uint8Array) {
      for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
    }
    const wavStream = await measureStream(pieces(new Uint8Array([...wavHeader(o, data.length), ...data])), {
      threads: 0,
    });
    const raw = await measureStream(pieces(data), {
      threads: 0,
      name: "raw",
      format: {
        sampleType: "int",
        bitsPerSample: 24,
        sampleRate: 48000,
        channels: 2,
        channelLayout: ["L", "R"],
        layoutSource: "user",
        container: "raw",
        codec: "pcm_s24le",
      },
    });
    for (const r of [wavStream, raw]) {
      assert.equal(r.integratedLufs, fromFile.integratedLufs);
      assert.equal(r.truePeakDbtp, fromFile.truePeakDbtp);
      assert.deepEqual(r.truePeakOvers, fromFile.truePeakOvers);
      assert.equal(r.durationSeconds, 5);
    }
    assert.equal(wavStream.file, "-");
    assert.equal(raw.file, "raw");
  });
});

describe("measureStream abort", () => {
  test("a stream that stalls is abandoned when the signal aborts", async () => {
    const o: WavWriteOptions = { sampleRate: 48000, channels: 2, bitsPerSample: 16, declaredDataSize: 0 };
    const controller = new AbortController();
    async function* stalls() {
      yield wavHeader(o, 0);
      yield encodePcm(new Float64Array(48000 * 2), o);
      setTimeout(() => controller.abort(new Error("gave up")), 50);
      await new Promise(() => {}); // never sends more, never ends
    }
    await assert.rejects(measureStream(stalls(), { signal: controller.signal, threads: 0 }), /gave up/);
  });
});

describe("dialogue option", () => {
  test("runs the speech detector in the same pass and fills the dialogue fields", async () => {
    const file = path.join(dir, "dialogue.wav");
    await writeFile(file, encodeWav({ sampleRate: 48000, channels: 2, bitsPerSample: 16 }, tone(3, 0.1)));
    const r = await analyseFile(file, { dialogue: true, threads: 0 });
    assert.equal(typeof r.result.speechPercent, "number");
    assert.ok(Array.isArray(r.result.speechIntervals));
    assert.ok("dialogueGatedLufs" in r.result);
    // a steady tone is not speech
    assert.ok(r.result.speechPercent! < 50, `${r.result.speechPercent}`);
  });
});
