import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { speechSegments, stepFlags } from "./speech-segments.ts";

const W = 0.032;
/** probabilities from [value, windows] runs */
function probs(...runs: [number, number][]): Float32Array {
  return Float32Array.from(runs.flatMap(([v, n]) => Array<number>(n).fill(v)));
}
const noLag = { speechPadMs: 0, offsetLagMs: 0 };

describe("speechSegments", () => {
  test("threshold starts speech; ends after minSilence below the low threshold", () => {
    const s = speechSegments(probs([0, 10], [0.9, 20], [0.1, 20]), noLag);
    assert.deepEqual(s, [{ startSeconds: 10 * W, endSeconds: 30 * W }]);
  });
  test("hysteresis: dips between the two thresholds do not end speech", () => {
    const s = speechSegments(probs([0.9, 10], [0.4, 30], [0.9, 10], [0, 20]), noLag);
    assert.equal(s.length, 1);
    assert.equal(s[0].endSeconds, 50 * W);
  });
  test("pauses shorter than 300 ms are bridged, longer ones split", () => {
    assert.equal(speechSegments(probs([0.9, 20], [0, 9], [0.9, 20], [0, 20]), noLag).length, 1);
    assert.equal(speechSegments(probs([0.9, 20], [0, 10], [0.9, 20], [0, 20]), noLag).length, 2);
  });
  test("blips under 250 ms are dropped", () => {
    assert.deepEqual(speechSegments(probs([0, 5], [0.9, 7], [0, 30]), noLag), []);
    assert.equal(speechSegments(probs([0, 5], [0.9, 8], [0, 30]), noLag).length, 1);
  });
  test("padding and the offset-lag correction move the edges", () => {
    const s = speechSegments(probs([0, 100], [0.9, 100], [0, 100]));
    assert.deepEqual(s, [{ startSeconds: 3.17, endSeconds: 6.334 }]);
  });
  test("speech running to the end stays open", () => {
    assert.deepEqual(speechSegments(probs([0, 10], [0.9, 40]), noLag), [
      { startSeconds: 0.32, endSeconds: 1.6 },
    ]);
  });
});

describe("stepFlags on the engine's 100 ms grid", () => {
  test("a step is speech when at least half of it is covered", () => {
    const flags = stepFlags([{ startSeconds: 0.25, endSeconds: 0.64 }], { sampleRate: 48000, frames: 48000 });
    assert.deepEqual([...flags], [0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  });
  test("44.1 kHz steps are 4410 frames; only complete steps count", () => {
    const flags = stepFlags([{ startSeconds: 0, endSeconds: 10 }], {
      sampleRate: 44100,
      frames: 44100 + 4409,
    });
    assert.equal(flags.length, 10);
    assert.ok(flags.every((f) => f === 1));
  });
});
