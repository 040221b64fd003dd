import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Resampler } from "./resampler.ts";

function sine(rate: number, hz: number, seconds: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

/** amplitude and phase of `hz` in y (least squares over the middle, away from the edges) */
function toneFit(y: Float32Array, rate: number, hz: number): { amplitude: number; phase: number } {
  let s = 0;
  let c = 0;
  const from = Math.floor(y.length * 0.2);
  const to = Math.floor(y.length * 0.8);
  for (let i = from; i < to; i++) {
    s += y[i] * Math.sin((2 * Math.PI * hz * i) / rate);
    c += y[i] * Math.cos((2 * Math.PI * hz * i) / rate);
  }
  const n = (to - from) / 2;
  return { amplitude: Math.hypot(s, c) / n, phase: Math.atan2(c, s) };
}

function resampleInChunks(rate: number, x: Float32Array, chunk: number): Float32Array {
  const r = new Resampler(rate);
  const parts: Float32Array[] = [];
  for (let i = 0; i < x.length; i += chunk) parts.push(r.push(x.subarray(i, i + chunk)));
  parts.push(r.flush());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("Resampler to 16 kHz", () => {
  for (const rate of [44100, 48000, 96000, 22050, 8000, 47999]) {
    test(`${rate} Hz: a 1 kHz tone keeps its level, frequency and timing; length is right`, () => {
      const x = sine(rate, 1000, 2);
      const y = resampleInChunks(rate, x, 4801);
      assert.ok(Math.abs(y.length - (x.length * 16000) / rate) <= 1, `length ${y.length}`);
      const fit = toneFit(y, 16000, 1000);
      assert.ok(Math.abs(20 * Math.log10(fit.amplitude / 0.5)) < 0.05, `level ${fit.amplitude}`);
      // zero delay: the tone's phase at output time n / 16000 matches the input's
      assert.ok(Math.abs(fit.phase) < 0.02, `phase ${fit.phase}`);
    });
  }
  test("48 kHz: a 10.5 kHz tone (would alias to 5.5 kHz) is attenuated by at least 50 dB", () => {
    const y = resampleInChunks(48000, sine(48000, 10500, 2), 48000);
    assert.ok(toneFit(y, 16000, 5500).amplitude < 0.5 * 10 ** (-50 / 20));
  });
  test("44.1 kHz: 11 kHz (would alias to 5 kHz) is attenuated by at least 50 dB, 5 kHz passes within 0.1 dB", () => {
    const alias = resampleInChunks(44100, sine(44100, 11000, 2), 10000);
    assert.ok(toneFit(alias, 16000, 5000).amplitude < 0.5 * 10 ** (-50 / 20));
    const pass = resampleInChunks(44100, sine(44100, 5000, 2), 10000);
    assert.ok(Math.abs(20 * Math.log10(toneFit(pass, 16000, 5000).amplitude / 0.5)) < 0.1);
  });
  test("chunking does not change the output", () => {
    const x = sine(44100, 440, 1);
    assert.deepEqual(resampleInChunks(44100, x, 1000), resampleInChunks(44100, x, 7));
  });
});
