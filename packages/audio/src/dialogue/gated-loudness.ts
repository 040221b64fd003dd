import type { SpeechResult } from "../types.ts";

/**
 * Dialogue-gated loudness: an open approximation of Dolby Dialogue Intelligence.
 * BS.1770-1 style: the energy mean of the K-weighted, channel-weighted signal over the 100 ms steps
 * flagged as speech. No relative gate; each step must be above the -70 LKFS silence gate.
 */
export interface DialogueLoudness {
  /** null when no step is both speech and above the silence gate */
  dialogueGatedLufs: number | null;
  /** speech steps / all complete steps * 100 */
  speechPercent: number;
  speechIntervals: { startSeconds: number; endSeconds: number }[];
}

/** BS.1770: L = -0.691 + 10 log10(sum of weighted mean squares) */
const LOUDNESS_OFFSET = -0.691;
const SILENCE_GATE_LKFS = -70;
/** the step energy at exactly -70 LKFS; steps must be strictly above it (BS.1770 uses ">") */
const SILENCE_GATE_ENERGY = 10 ** ((SILENCE_GATE_LKFS - LOUDNESS_OFFSET) / 10);

export function dialogueGatedLoudness(stepEnergies: Float64Array, speech: SpeechResult): DialogueLoudness {
  const steps = stepEnergies.length;
  let speechSteps = 0;
  let gatedSteps = 0;
  let energySum = 0;
  for (let j = 0; j < steps; j++) {
    if (j >= speech.stepFlags.length || speech.stepFlags[j] !== 1) continue;
    speechSteps++;
    const energy = stepEnergies[j];
    if (energy > SILENCE_GATE_ENERGY) {
      gatedSteps++;
      energySum += energy;
    }
  }
  const durationSeconds = steps / 10;
  const speechIntervals = speech.speechIntervals
    .filter((interval) => interval.startSeconds < durationSeconds)
    .map((interval) => ({
      startSeconds: interval.startSeconds,
      endSeconds: Math.min(interval.endSeconds, durationSeconds),
    }));
  return {
    dialogueGatedLufs: gatedSteps === 0 ? null : LOUDNESS_OFFSET + 10 * Math.log10(energySum / gatedSteps),
    // multiply before dividing so that e.g. 150 of 1000 steps is exactly 15, not 15.000000000000002
    speechPercent: steps === 0 ? 0 : (speechSteps * 100) / steps,
    speechIntervals,
  };
}
