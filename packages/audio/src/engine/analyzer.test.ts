import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { analyse } from "../test-support/analyse.ts";
import { encodePcm, INT24, rawFormat } from "../test-support/pcm.ts";
import { pinkNoise, rng } from "../test-support/signals.ts";
import { createAnalyzer } from "./analyzer.ts";
import { standardLayout } from "./channels.ts";

/** 5.1 programme-like noise with level changes and a few hot peaks (overs at -1 dBTP). */
function programme(fs: number, seconds: number): Float64Array[] {
  const r = rng(42);
  return standardLayout(6).map((_, c) => {
    const x = pinkNoise(Math.round(fs * seconds), 0.05, c + 1);
    for (let n = 0, g = 1; n < x.length; n++) {
      if (n % 4800 === 0) g = r() < 0.1 ? 0 : 10 ** ((-30 * r()) / 20);
      x[n] *= g;
    }
    for (let k = 0; k < 3; k++) x[Math.floor(r() * x.length)] = 0.98;
    return x;
  });
}

describe("threaded, inline and unoptimised paths give bit-identical results", () => {
  test("5.1 at 48 kHz: threads 0, 1, 2, 3 and unpaired K-weighting / unpruned true peak", async () => {
    const fs = 48000;
    const x = programme(fs, 12);
    const layout = standardLayout(6);
    const base = await analyse(x, fs, layout, { encoding: INT24, threads: 0 });
    assert.ok(base.truePeakOvers.length > 0);
    for (const threads of [1, 2, 3]) {
      const r = await analyse(x, fs, layout, { encoding: INT24, threads, chunkFrames: 7001 });
      assert.deepEqual(r, base, `threads ${threads}`);
    }
    for (const threads of [2, 3]) {
      const tuning = { callingThreadMeasures: true };
      const r = await analyse(x, fs, layout, { encoding: INT24, threads, chunkFrames: 9973, tuning });
      assert.deepEqual(r, base, `calling thread + ${threads - 1} workers`);
    }
    const plain = await analyse(x, fs, layout, {
      encoding: INT24,
      tuning: { variant: { multiChannelKWeighting: false, prune: false, unrolled: false } },
    });
    assert.deepEqual(plain, base);
  });
});

describe("analyzer lifecycle", () => {
  const fs = 48000;
  const format = rawFormat(fs, ["L", "R"], INT24);
  const chunk = encodePcm([pinkNoise(fs, 0.1, 1), pinkNoise(fs, 0.1, 2)], INT24);

  test("a chunk that is not whole frames is refused", async () => {
    const a = createAnalyzer(format, { threads: 0 });
    await assert.rejects(a.push(chunk.subarray(0, 5)), RangeError);
    await a.destroy();
  });

  test("abort rejects push and finish with an AbortError and stops the workers", async () => {
    const ac = new AbortController();
    const a = createAnalyzer(format, { threads: 2, signal: ac.signal });
    await a.push(chunk);
    ac.abort();
    await assert.rejects(a.push(chunk), { name: "AbortError" });
    await assert.rejects(a.finish(), { name: "AbortError" });
    const pre = new AbortController();
    pre.abort();
    const b = createAnalyzer(format, { threads: 0, signal: pre.signal });
    await assert.rejects(b.push(chunk), { name: "AbortError" });
  });

  test("the process exits after finish, destroy and abort (no leaked workers)", async () => {
    const script = `
      import { createAnalyzer } from ${JSON.stringify(fileURLToPath(new URL("./analyzer.ts", import.meta.url)))};
      const format = { sampleType: "float", bitsPerSample: 32, sampleRate: 48000, channels: 2,
        channelLayout: ["L", "R"], layoutSource: "user", container: "raw", codec: "pcm_f32le" };
      const chunk = new Uint8Array(48000 * 8);
      const a = createAnalyzer(format, { threads: 2 });
      await a.push(chunk);
      const r = await a.finish();
      const b = createAnalyzer(format, { threads: 2 });
      await b.push(chunk);
      await b.destroy();
      const ac = new AbortController();
      const c = createAnalyzer(format, { threads: 2, signal: ac.signal });
      await c.push(chunk);
      ac.abort();
      await c.finish().catch(() => {});
      const d = createAnalyzer(format);
      await d.push(chunk);
      await d.finish();
      console.log("frames", r.frames);
    `;
    const dir = mkdtempSync(path.join(tmpdir(), "loupe-engine-"));
    const file = path.join(dir, "exit-check.mjs");
    writeFileSync(file, script);
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 20000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, "the process did not exit by itself");
    assert.match(out, /frames 48000/);
  });
});
