/**
 * The real EBU loudness test set v05 files (../shared/testdata/ebu-loudness-v05), read with io/'s
 * WAV reader and measured by the engine; tolerances from EBU Tech 3341 Table 1.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openAudioFile } from "../io/open-audio.ts";
import type { AnalyzerOptions, AnalyzerResult } from "../types.ts";
import { createAnalyzer } from "./analyzer.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const dir = path.resolve(repoRoot, "../shared/testdata/ebu-loudness-v05");
const skip = existsSync(dir) ? false : `EBU test files not found at ${dir}`;

async function measureFile(name: string, options: AnalyzerOptions = {}): Promise<AnalyzerResult> {
  const reader = await openAudioFile(path.join(dir, name));
  const analyzer = createAnalyzer(reader.format, { threads: 0, ...options });
  try {
    for await (const chunk of reader.chunks()) {
      await analyzer.push(chunk);
      reader.recycle(chunk);
    }
    return await analyzer.finish();
  } finally {
    await reader.close();
  }
}

function within(v: number | null, expected: number, below: number, above: number, what: string): void {
  assert.ok(v !== null && v >= expected - below && v <= expected + above, `${what}: ${v} vs ${expected}`);
}

describe("EBU loudness test set v05", { skip }, () => {
  test("3341-1 and -2: I, M, S at -23 / -33 LUFS", async () => {
    for (const [file, level] of [
      ["seq-3341-1-16bit.wav", -23],
      ["seq-3341-2-16bit.wav", -33],
    ] as const) {
      const r = await measureFile(file);
      within(r.integratedLufs, level, 0.1, 0.1, `${file} I`);
      within(r.maxMomentaryLufs, level, 0.1, 0.1, `${file} max M`);
      within(r.maxShortTermLufs, level, 0.1, 0.1, `${file} max S`);
    }
  });

  test("3341-10-x: max S = -23 +-0.1", async () => {
    for (const i of [1, 2, 10, 20]) {
      const r = await measureFile(`seq-3341-10-${i}-24bit.wav`);
      within(r.maxShortTermLufs, -23, 0.1, 0.1, `10-${i} max S`);
    }
  });

  test("3341-12: M = -23 +-0.1 from 1 s on", async () => {
    const r = await measureFile("seq-3341-12-24bit.wav");
    // the file ends with the pattern; check the 100 ms series while the whole window is in the file
    for (let k = 9; k < r.momentarySeries.length; k++) within(r.momentarySeries[k], -23, 0.1, 0.1, `M[${k}]`);
  });

  test("3341-13-1..20: max M = -23 +-0.1", async () => {
    for (let i = 1; i <= 20; i++) {
      const r = await measureFile(`seq-3341-13-${i}-24bit.wav`);
      within(r.maxMomentaryLufs, -23, 0.1, 0.1, `13-${i} max M`);
    }
  });

  for (const filter of ["reference", "high-precision"] as const) {
    test(`3341-15..23 true peak, ${filter} filter (+0.2 / -0.4 dB)`, async (t) => {
      const expected: [number, number][] = [
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
      const got: string[] = [];
      for (const [n, level] of expected) {
        const r = await measureFile(`seq-3341-${n}-24bit.wav`, { truePeakFilter: filter });
        within(r.truePeakDbtp, level, 0.4, 0.2, `case ${n} TP`);
        got.push(`${n}: ${r.truePeakDbtp?.toFixed(2)}`);
      }
      t.diagnostic(got.join(", "));
    });
  }
});
