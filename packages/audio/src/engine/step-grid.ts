/**
 * The engine's time grid. Loudness is built from 100 ms steps of (fs + 5) / 10 samples (integer
 * division, as libebur128), each split into 10 sub-steps of about 10 ms (boundaries at
 * floor(k * step / 10)). Per-channel energies are kept per sub-step so max momentary and max
 * short-term can be read on a 10 ms hop: on a 100 ms hop the EBU 3341-13 bursts (400 ms tones
 * starting i * 20 ms into the file) would read up to 0.22 LU low.
 */
export const SUBS_PER_STEP = 10;

export class StepGrid {
  readonly sampleRate: number;
  /** samples in one 100 ms step */
  readonly step: number;
  /** subOffsets[k] = first sample of sub-step k inside a step, k = 0..10 (10 is the next step) */
  private readonly subOffsets: number[];

  constructor(sampleRate: number) {
    if (!Number.isInteger(sampleRate) || sampleRate < 10)
      throw new RangeError(`bad sample rate ${sampleRate}`);
    this.sampleRate = sampleRate;
    this.step = Math.floor((sampleRate + 5) / 10);
    this.subOffsets = Array.from({ length: SUBS_PER_STEP + 1 }, (_, k) =>
      Math.floor((k * this.step) / SUBS_PER_STEP),
    );
  }

  /** first sample (from file start) of sub-step q */
  subStart(q: number): number {
    const k = q % SUBS_PER_STEP;
    return ((q - k) / SUBS_PER_STEP) * this.step + this.subOffsets[k];
  }

  /** number of sub-steps completed by `frames` samples */
  completeSubs(frames: number): number {
    const steps = Math.floor(frames / this.step);
    const rest = frames - steps * this.step;
    let k = 0;
    while (k < SUBS_PER_STEP && this.subOffsets[k + 1] <= rest) k++;
    return steps * SUBS_PER_STEP + k;
  }
}
