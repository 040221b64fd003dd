import { fft } from "./fft.ts";

/**
 * The exact true peak for tests, independent of the engine's filters: the band-limited (sinc,
 * Whittaker-Shannon) interpolation of x, evaluated at `factor` points per sample by zero-padding the
 * spectrum (x is zero-padded to at least twice its length first, so the periodic interpolation this
 * computes differs from the sinc one by < 0.003 dB: the signal should fade in and out). The Nyquist
 * bin is split evenly between +fs/2 and -fs/2, the usual real-valued choice.
 */
export function exactTruePeak(x: Float64Array, factor = 64): number {
  let m = 1;
  while (m < 2 * x.length) m <<= 1;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  re.set(x);
  fft(re, im);
  const size = m * factor;
  const upRe = new Float64Array(size);
  const upIm = new Float64Array(size);
  for (let k = 0; k < m / 2; k++) {
    upRe[k] = re[k];
    upIm[k] = im[k];
  }
  for (let k = m / 2 + 1; k < m; k++) {
    upRe[size - m + k] = re[k];
    upIm[size - m + k] = im[k];
  }
  upRe[m / 2] = re[m / 2] / 2;
  upRe[size - m / 2] = re[m / 2] / 2;
  fft(upRe, upIm, true);
  let peak = 0;
  for (const v of upRe) peak = Math.max(peak, Math.abs(v));
  return peak / m;
}
