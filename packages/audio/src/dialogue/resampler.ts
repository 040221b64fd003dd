/**
 * Streaming polyphase FIR resampler (Kaiser-windowed sinc) to feed the VAD at 16 kHz.
 *
 * Output sample n sits at input time n * M / L (L / M = outRate / inRate, reduced). Its value is a
 * K-tap dot product of the input around that time with the kernel phase for the fractional part.
 * Exact rational phases are used when L <= MAX_PHASES (44.1, 48, 88.2, 96, 192 kHz, ...); for odd
 * rates (say 47 999 Hz) the fraction is quantised to MAX_PHASES phases, a timing error below 1/2048
 * of an input sample, irrelevant for speech detection.
 *
 * The anti-aliasing filter (downsampling): flat to 6 kHz, at least 55 dB down from 10 kHz. Content
 * between 8 and 10 kHz is only partly removed and folds back to 6..8 kHz, above the band that carries
 * speech (formants and voicing, below 6 kHz); nothing aliases below 6 kHz. Letting the transition band
 * take the aliases halves the filter (40 taps at 48 kHz instead of 78 with the stopband at 8 kHz),
 * which matters because resampling costs about as much as the model. Upsampling (rates under
 * 16 kHz) uses a stopband at the input's Nyquist frequency.
 */

const MAX_PHASES = 1024;
const STOPBAND_DB = 55;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** zeroth-order modified Bessel function of the first kind, for the Kaiser window */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  private readonly up: number;
  private readonly down: number;
  private readonly phases: number;
  private readonly taps: number;
  /** phases x taps, row p holds the kernel for fractional position p / phases */
  private readonly table: Float64Array;
  /** input history: absolute input index of history[0] is historyStart */
  private history = new Float64Array(0);
  private historyStart: number;
  private historyLength = 0;
  private nextOutput = 0;

  constructor(inRate: number, outRate = 16000) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new RangeError(`resampler needs positive integer rates, got ${inRate} -> ${outRate}`);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    this.phases = Math.min(this.up, MAX_PHASES);

    // design in input-sample units: cutoff halfway through the transition band
    const nyquist = Math.min(inRate, outRate) / 2;
    const passHz = nyquist * 0.75;
    const stopHz = outRate < inRate ? nyquist * 1.25 : nyquist;
    const cutoff = (passHz + stopHz) / 2 / inRate;
    const transition = (stopHz - passHz) / inRate;
    const beta = 0.1102 * (STOPBAND_DB - 8.7);
    const length = Math.ceil((STOPBAND_DB - 7.95) / (14.36 * transition));
    this.taps = length + (length % 2);
    const half = this.taps / 2;
    this.table = new Float64Array(this.phases * this.taps);
    const i0Beta = besselI0(beta);
    for (let p = 0; p < this.phases; p++) {
      const frac = p / this.phases;
      let sum = 0;
      for (let k = 0; k < this.taps; k++) {
        // tap k multiplies input index (centre - half + 1 + k); tau = output time - input time
        const tau = half - 1 - k + frac;
        const x = 2 * cutoff * tau;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const r = tau / half;
        const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        const value = 2 * cutoff * sinc * window;
        this.table[p * this.taps + k] = value;
        sum += value;
      }
      // unity gain at DC for every phase
      for (let k = 0; k < this.taps; k++) this.table[p * this.taps + k] /= sum;
    }
    // the signal before the first sample is silence: start the history with half a kernel of zeros
    this.historyStart = -half;
    this.append(new Float32Array(half));
  }

  /** filter delay compensated: output n is aligned with input time n * inRate / outRate */
  push(input: Float32Array | Float64Array): Float32Array {
    this.append(input);
    return this.drain(false);
  }

  /** pads with silence so every output up to the last input time comes out */
  flush(): Float32Array {
    this.append(new Float32Array(this.taps));
    return this.drain(true);
  }

  private append(input: Float32Array | Float64Array): void {
    const needed = this.historyLength + input.length;
    if (needed > this.history.length) {
      const grown = new Float64Array(Math.max(needed, this.history.length * 2, 4096));
      grown.set(this.history.subarray(0, this.historyLength));
      this.history = grown;
    }
    this.history.set(input, this.historyLength);
    this.historyLength = needed;
  }

  private drain(final: boolean): Float32Array {
    const { up, down, taps, phases, table, history } = this;
    const half = taps / 2;
    const lastInput = this.historyStart + this.historyLength - 1;
    // without padding, the real input ends half a kernel before the end of a flushed history
    const realEnd = final ? lastInput - taps : lastInput;
    const limit = final ? Math.min(realEnd, lastInput - half) : lastInput - half;
    const maxOutputs = Math.max(0, Math.floor(((limit + 1) * up) / down) - this.nextOutput + 1);
    const out = new Float32Array(maxOutputs);
    let count = 0;
    for (;;) {
      const n = this.nextOutput;
      const position = n * down;
      const centre = Math.floor(position / up);
      if (centre > limit) break;
      const remainder = position - centre * up;
      const phase = phases === up ? remainder : Math.floor((remainder * phases) / up);
      const row = phase * taps;
      let base = centre - half + 1 - this.historyStart;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += table[row + k] * history[base++];
      out[count++] = acc;
      this.nextOutput++;
    }
    // keep only what the next output still needs
    const nextCentre = Math.floor((this.nextOutput * down) / up);
    const keepFrom = nextCentre - half + 1 - this.historyStart;
    if (keepFrom > 0) {
      this.history.copyWithin(0, keepFrom, this.historyLength);
      this.historyLength -= keepFrom;
      this.historyStart += keepFrom;
    }
    return out.subarray(0, count);
  }
}
