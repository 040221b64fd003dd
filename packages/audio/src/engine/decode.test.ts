import assert from "node:assert/strict";
import { test } from "node:test";
import { encodePcm, FLOAT32, FLOAT64, INT16, INT24, INT32 } from "../test-support/pcm.ts";
import { rng } from "../test-support/signals.ts";
import { decodeInterleaved } from "./decode.ts";

test("decodes every encoding, aligned or not, whole chunks or channel subsets", () => {
  const r = rng(5);
  const frames = 257;
  const chans = Array.from({ length: 3 }, () => Float64Array.from({ length: frames }, () => 2 * r() - 1));
  chans[0][0] = -1;
  chans[1][1] = 0.99999;
  for (const enc of [INT16, INT24, INT32, FLOAT32, FLOAT64]) {
    const bytes = encodePcm(chans, enc);
    const full = 2 ** (enc.bitsPerSample - 1);
    const expected = (v: number) =>
      enc.sampleType === "int" ? Math.max(-full, Math.min(full - 1, Math.round(v * full))) / full : v;
    // offset by 1..7 bytes inside a bigger buffer to exercise the unaligned paths
    for (const shift of [0, 1, 2, 3, 5]) {
      const host = new Uint8Array(bytes.length + shift);
      host.set(bytes, shift);
      const chunk = host.subarray(shift);
      const out = [new Float64Array(frames), new Float64Array(frames)];
      assert.equal(decodeInterleaved(chunk, enc, 3, out, [2, 0]), frames);
      for (let f = 0; f < frames; f++) {
        const want2 =
          enc.bitsPerSample === 32 && enc.sampleType === "float"
            ? Math.fround(chans[2][f])
            : expected(chans[2][f]);
        const want0 =
          enc.bitsPerSample === 32 && enc.sampleType === "float"
            ? Math.fround(chans[0][f])
            : expected(chans[0][f]);
        assert.equal(out[0][f], want2, `${enc.sampleType}${enc.bitsPerSample} shift ${shift} ch2 f${f}`);
        assert.equal(out[1][f], want0, `${enc.sampleType}${enc.bitsPerSample} shift ${shift} ch0 f${f}`);
      }
    }
  }
});

test("a trailing partial frame is ignored", () => {
  const out = [new Float64Array(4)];
  assert.equal(decodeInterleaved(new Uint8Array(7), INT16, 1, out), 3);
});
