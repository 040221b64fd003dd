/**
 * A near-exact true-peak reference for tests, independent of the engine's filters: band-limited
 * (sinc) interpolation evaluated at `factor` points per sample with a long Kaiser-windowed kernel
 * (`halfSpan` samples either side). Slow (factor * 2 * halfSpan MACs per sample): short signals only.
 */
export function exactTruePeak(x: Float64Array, factor = 32, halfSpan = 256, beta = 12): number {
  const i0 = (v: number) => {
    let s = 1;
    let t = 1;
    for (let k = 1; k < 80; k++) {
      t *= (v * v) / 4 / (k * k);
      s += t;
      if (t < s * 1e-17) break;
    }
    return s;
  };
  const i0b = i0(beta);
  // kernel[p][j]: weight of x[n - halfSpan + 1 + j] for the point n + p / factor
  const width = 2 * halfSpan;
  const kernel: Float64Array[] = [];
  for (let p = 0; p < factor; p++) {
    const k = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      const d = p / factor - (j - halfSpan + 1); // t - k
      const sinc = d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
      const r = d / halfSpan;
      k[j] = Math.abs(r) >= 1 ? 0 : sinc * (i0(beta * Math.sqrt(1 - r * r)) / i0b);
    }
    kernel.push(k);
  }
  let peak = 0;
  for (let n = 0; n < x.length; n++) {
    if (Math.abs(x[n]) > peak) peak = Math.abs(x[n]);
    for (let p = 1; p < factor; p++) {
      const k = kernel[p];
      let s = 0;
      const base = n - halfSpan + 1;
      const j0 = Math.max(0, -base);
      const j1 = Math.min(width, x.length - base);
      for (let j = j0; j < j1; j++) s += k[j] * x[base + j];
      if (Math.abs(s) > peak) peak = Math.abs(s);
    }
  }
  return peak;
}
