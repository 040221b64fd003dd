import type { SpeechResult } from "../types.ts";

/**
 * From per-window speech probabilities to speech intervals and 100 ms step flags.
 *
 * Choices (Silero's own get_speech_timestamps logic, tuned for loudness gating, not transcription):
 * - speech starts at a window with p >= threshold (0.5) and continues until p stays below
 *   negThreshold (threshold - 0.15) for minSilenceMs: the hysteresis keeps a segment open through
 *   brief dips;
 * - minSilenceMs = 300: pauses between words and breaths inside a line are part of the dialogue,
 *   as a person marking dialogue would mark it; only pauses longer than that split it;
 * - minSpeechMs = 250: shorter blips (a door knock, a single sung note onset) are dropped;
 * - speechPadMs = 30 on each side, Silero's default, covers soft onsets and releases;
 * - a 100 ms step is speech when speech covers at least half of it.
 */
export interface SegmentOptions {
  threshold?: number;
  negThreshold?: number;
  minSpeechMs?: number;
  minSilenceMs?: number;
  speechPadMs?: number;
  /** Silero's probability stays up for a while after speech stops: segment ends move this much earlier */
  offsetLagMs?: number;
}

export const DEFAULT_SEGMENT_OPTIONS: Required<SegmentOptions> = {
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 300,
  speechPadMs: 30,
  offsetLagMs: 96,
};

export interface StepGrid {
  sampleRate: number;
  /** frames of the source file */
  frames: number;
}

/** seconds of each probability window */
const WINDOW_SECONDS = 512 / 16000;

export function speechSegments(
  probs: Float32Array,
  options: SegmentOptions = {},
): { startSeconds: number; endSeconds: number }[] {
  const o = { ...DEFAULT_SEGMENT_OPTIONS, ...options };
  if (options.threshold !== undefined && options.negThreshold === undefined) {
    o.negThreshold = Math.max(o.threshold - 0.15, 0.01);
  }
  const raw: [number, number][] = [];
  let start = -1;
  let silenceFrom = -1;
  for (let w = 0; w < probs.length; w++) {
    const p = probs[w];
    if (p >= o.threshold) {
      silenceFrom = -1;
      if (start < 0) start = w;
    } else if (p < o.negThreshold && start >= 0) {
      if (silenceFrom < 0) silenceFrom = w;
      if ((w + 1 - silenceFrom) * WINDOW_SECONDS * 1000 >= o.minSilenceMs) {
        raw.push([start, silenceFrom]);
        start = -1;
        silenceFrom = -1;
      }
    }
  }
  if (start >= 0) raw.push([start, silenceFrom >= 0 ? silenceFrom : probs.length]);

  const end = probs.length * WINDOW_SECONDS;
  const pad = o.speechPadMs / 1000;
  const merged: { startSeconds: number; endSeconds: number }[] = [];
  for (const [a, b] of raw) {
    if ((b - a) * WINDOW_SECONDS * 1000 < o.minSpeechMs) continue;
    const startSeconds = Math.max(0, a * WINDOW_SECONDS - pad);
    const endSeconds = Math.min(end, b * WINDOW_SECONDS + pad - o.offsetLagMs / 1000);
    const last = merged[merged.length - 1];
    if (last && startSeconds <= last.endSeconds) last.endSeconds = Math.max(last.endSeconds, endSeconds);
    else merged.push({ startSeconds, endSeconds });
  }
  return merged.map((s) => ({ startSeconds: round3(s.startSeconds), endSeconds: round3(s.endSeconds) }));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** the engine's grid: step j covers source frames [j L, (j + 1) L) with L = floor((fs + 5) / 10) */
export function stepFlags(
  intervals: { startSeconds: number; endSeconds: number }[],
  grid: StepGrid,
): Uint8Array {
  const stepLength = Math.floor((grid.sampleRate + 5) / 10);
  const steps = Math.floor(grid.frames / stepLength);
  const flags = new Uint8Array(steps);
  const stepSeconds = stepLength / grid.sampleRate;
  for (const { startSeconds, endSeconds } of intervals) {
    const first = Math.max(0, Math.floor(startSeconds / stepSeconds));
    const last = Math.min(steps - 1, Math.floor(endSeconds / stepSeconds));
    for (let j = first; j <= last; j++) {
      const overlap = Math.min(endSeconds, (j + 1) * stepSeconds) - Math.max(startSeconds, j * stepSeconds);
      // covered at least half (a step shared by two intervals is judged by each one alone)
      if (overlap >= stepSeconds / 2 - 1e-9) flags[j] = 1;
    }
  }
  return flags;
}

export function speechResult(
  probs: Float32Array,
  grid: StepGrid,
  options: SegmentOptions = {},
): SpeechResult {
  const speechIntervals = speechSegments(probs, options);
  return { stepFlags: stepFlags(speechIntervals, grid), speechIntervals };
}
