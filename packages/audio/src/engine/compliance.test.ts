/**
 * EBU Tech 3341 / 3342 minimum requirements on synthesised signals, at 44.1, 48, 96 kHz and an odd
 * rate, encoded as 16-bit, 24-bit and float PCM (AUDIO.md §3.1-3.2 for the cases and tolerances).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyse } from "../test-support/analyse.ts";
import {
  CASE_9,
  CASE_12,
  case10,
  case13,
  case20to23,
  INTEGRATED_CASES,
  LRA_CASES,
  lraCase,
  TRUE_PEAK_CASES,
  truePeakCase,
} from "../test-support/ebu-cases.ts";
import { FLOAT32, INT16, INT24 } from "../test-support/pcm.ts";
import type { PcmEncoding } from "../types.ts";

const RATES = [44100, 48000, 96000, 69313];
const ENCODINGS: [string, PcmEncoding][] = [
  ["16-bit", INT16],
  ["24-bit", INT24],
  ["float", FLOAT32],
];
/**
 * Every rate with one encoding (rotating) runs every case; the other encodings at 48 kHz run the
 * short cases only (the long gating cases 3-5 depend on the encoding no more than 1 and 2 do, and
 * pure tones defeat the true-peak pruning, so they are the suite's most expensive signals).
 */
const MATRIX: [number, string, PcmEncoding, "all" | "short"][] = [
  [48000, ...ENCODINGS[1], "all"],
  [44100, ...ENCODINGS[0], "all"],
  [96000, ...ENCODINGS[2], "all"],
  [69313, ...ENCODINGS[1], "all"],
  [48000, ...ENCODINGS[0], "short"],
  [48000, ...ENCODINGS[2], "short"],
];
const SHORT_CASES = new Set(["3341-1", "3341-2", "3341-6"]);

function near(actual: number | null, expected: number, below: number, above: number, what: string): void {
  assert.ok(actual !== null, `${what}: got null`);
  assert.ok(
    actual >= expected - below && actual <= expected + above,
    `${what}: ${actual.toFixed(3)} not within ${expected} -${below}/+${above}`,
  );
}

describe("EBU Tech 3341 integrated loudness (cases 1-6)", () => {
  for (const [fs, encName, encoding, which] of MATRIX) {
    test(`${fs} Hz ${encName}${which === "short" ? " (cases 1, 2, 6)" : ""}`, async () => {
      for (const c of INTEGRATED_CASES.filter((c) => which === "all" || SHORT_CASES.has(c.name))) {
        const r = await analyse(c.build(fs), fs, c.layout, { encoding });
        near(r.integratedLufs, c.expected, 0.1, 0.1, `${c.name} I`);
        if (c.name === "3341-1" || c.name === "3341-2") {
          near(r.maxMomentaryLufs, c.expected, 0.1, 0.1, `${c.name} max M`);
          near(r.maxShortTermLufs, c.expected, 0.1, 0.1, `${c.name} max S`);
          // M and S stay at the level once their windows are full
          for (let k = 29; k < r.shortTermSeries.length; k++) {
            near(r.momentarySeries[k], c.expected, 0.1, 0.1, `${c.name} M[${k}]`);
            near(r.shortTermSeries[k], c.expected, 0.1, 0.1, `${c.name} S[${k}]`);
          }
        }
      }
    });
  }
});

describe("EBU Tech 3341 momentary / short-term (cases 9, 10, 12, 13)", () => {
  for (const fs of RATES) {
    test(`${fs} Hz`, async () => {
      const r9 = await analyse(CASE_9(fs), fs, ["L", "R"], { encoding: INT24 });
      // S from 3 s on: series index k is the window ending at (k + 1) * 100 ms
      for (let k = 29; k < r9.shortTermSeries.length; k++)
        near(r9.shortTermSeries[k], -23, 0.1, 0.1, `9: S[${k}]`);
      const r12 = await analyse(CASE_12(fs), fs, ["L", "R"], { encoding: INT24 });
      for (let k = 9; k < r12.momentarySeries.length; k++)
        near(r12.momentarySeries[k], -23, 0.1, 0.1, `12: M[${k}]`);
      for (let i = 0; i < 20; i++) {
        const r10 = await analyse(case10(i)(fs), fs, ["L", "R"], { encoding: INT24 });
        near(r10.maxShortTermLufs, -23, 0.1, 0.1, `10-${i + 1} max S`);
        const r13 = await analyse(case13(i)(fs), fs, ["L", "R"], { encoding: INT24 });
        near(r13.maxMomentaryLufs, -23, 0.1, 0.1, `13-${i + 1} max M`);
      }
    });
  }
});

describe("EBU Tech 3342 loudness range (cases 1-4)", () => {
  for (const [fs, encName, encoding] of MATRIX.filter((m) => m[3] === "all")) {
    test(`${fs} Hz ${encName}`, async () => {
      for (const c of LRA_CASES) {
        const r = await analyse(lraCase(c.levels)(fs), fs, ["L", "R"], { encoding });
        near(r.loudnessRangeLu, c.expected, 1, 1, `${c.name} LRA`);
        // our exact (no histogram, 10 Hz) LRA lands much closer than the tolerance
        near(r.loudnessRangeLu, c.expected, 0.05, 0.05, `${c.name} LRA (exactness)`);
      }
    });
  }
});

describe("EBU Tech 3341 true peak (cases 15-23), both filters", () => {
  for (const fs of RATES) {
    for (const filter of ["reference", "high-precision"] as const) {
      test(`${fs} Hz ${filter}`, async () => {
        for (const c of TRUE_PEAK_CASES) {
          // 1 s instead of the EBU files' 3.2 s: the length is free (Table 1) and this keeps the suite fast
          const r = await analyse(truePeakCase(c, fs, 1), fs, ["L", "R"], {
            encoding: INT24,
            truePeakFilter: filter,
          });
          near(r.truePeakDbtp, c.expected, 0.4, 0.2, `${c.name} TP`);
        }
        for (let offset = 0; offset < 4; offset++) {
          const r = await analyse(case20to23(fs, offset, 1), fs, ["L", "R"], {
            encoding: INT24,
            truePeakFilter: filter,
          });
          near(r.truePeakDbtp, 0, 0.4, 0.2, `3341-${20 + offset} TP`);
        }
      });
    }
  }
});
