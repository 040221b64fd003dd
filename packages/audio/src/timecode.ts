/**
 * SMPTE timecode for QC flags: a position in the programme becomes HH:MM:SS:FF at a frame rate.
 *
 * Rates: 23.976, 24, 25, 29.97, 29.97df, 30, 50, 59.94, 59.94df, 60. The 1000/1001 rates count frames
 * at the real rate (24000/1001 ...) and label them with the nominal rate (24, 30, 60), as VTRs and
 * NLEs do. Drop frame (SMPTE ST 12-1) skips frame numbers 0 and 1 (0..3 at 59.94) at the start of every
 * minute except minutes 0, 10, 20, ... so the label stays within a frame of the clock; drop-frame
 * timecode is written with ";" before the frames (00:01:00;02), non-drop with ":" throughout.
 * Timecode wraps at 24 hours. Positions are converted to frames exactly, with integer arithmetic on
 * sample counts, so a frame boundary never lands on the wrong side through rounding.
 */

export interface FrameRate {
  /** as written: "25", "29.97df" */
  name: string;
  /** frames per second = numerator / denominator */
  numerator: number;
  denominator: number;
  /** frames per labelled second (24, 25, 30, 50, 60) */
  nominal: number;
  dropFrame: boolean;
}

const RATES: Record<string, Omit<FrameRate, "name">> = {
  "23.976": { numerator: 24000, denominator: 1001, nominal: 24, dropFrame: false },
  "24": { numerator: 24, denominator: 1, nominal: 24, dropFrame: false },
  "25": { numerator: 25, denominator: 1, nominal: 25, dropFrame: false },
  "29.97": { numerator: 30000, denominator: 1001, nominal: 30, dropFrame: false },
  "29.97df": { numerator: 30000, denominator: 1001, nominal: 30, dropFrame: true },
  "30": { numerator: 30, denominator: 1, nominal: 30, dropFrame: false },
  "50": { numerator: 50, denominator: 1, nominal: 50, dropFrame: false },
  "59.94": { numerator: 60000, denominator: 1001, nominal: 60, dropFrame: false },
  "59.94df": { numerator: 60000, denominator: 1001, nominal: 60, dropFrame: true },
  "60": { numerator: 60, denominator: 1, nominal: 60, dropFrame: false },
};

export const FRAME_RATE_NAMES = Object.keys(RATES);
export const DEFAULT_FRAME_RATE = "25";

/** "29.97df", "29.97DF", "25" ... ; undefined for a rate we do not support. */
export function parseFrameRate(text: string): FrameRate | undefined {
  const name = text.trim().toLowerCase();
  const rate = RATES[name];
  return rate ? { name, ...rate } : undefined;
}

/** Frame numbers skipped per minute in drop-frame counting: 2 at 29.97, 4 at 59.94. */
/**
 * The rate of a container's timecode track: its frame rate as ffprobe writes it ("30000/1001") and
 * whether the timecode was written drop-frame (";" or "." before the frames).
 */
export function containerFrameRate(fps: string, dropFrame: boolean): FrameRate | undefined {
  const [num, den = 1] = fps.split("/").map(Number);
  if (!(num > 0 && den > 0)) return undefined;
  for (const [name, r] of Object.entries(RATES)) {
    if (r.dropFrame === dropFrame && r.numerator * den === num * r.denominator) return { name, ...r };
  }
  return undefined;
}

/**
 * Frames since midnight of a timecode `HH:MM:SS:FF` (drop frame written `HH:MM:SS;FF`, also with
 * "." or ","), the inverse of framesToTimecode; undefined when it is not a valid label at that rate
 * (a dropped frame number, FF past the rate, ...).
 */
export function timecodeToFrames(text: string, rate: FrameRate): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})[:;.,](\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [hh, mm, ss, ff] = m.slice(1).map(Number);
  const n = rate.nominal;
  if (hh > 23 || mm > 59 || ss > 59 || ff >= n) return undefined;
  const frames = ((hh * 60 + mm) * 60 + ss) * n + ff;
  if (!rate.dropFrame) return frames;
  const drop = droppedPerMinute(rate);
  if (mm % 10 !== 0 && ss === 0 && ff < drop) return undefined;
  const minutes = hh * 60 + mm;
  return frames - drop * (minutes - Math.floor(minutes / 10));
}

/** The first sample at or after the start of frame `frames` (since midnight): a time reference. */
export function framesToSamples(frames: number, sampleRate: number, rate: FrameRate): number {
  return Math.ceil((frames * rate.denominator * sampleRate) / rate.numerator);
}

function droppedPerMinute(rate: FrameRate): number {
  return rate.nominal / 15;
}

/** Frames in 24 hours of real time, where the timecode wraps. */
function framesPerDay(rate: FrameRate): number {
  if (rate.dropFrame) return 144 * (rate.nominal * 600 - 9 * droppedPerMinute(rate)); // 144 ten-minute blocks
  return rate.nominal * 86400;
}

/** Labels a frame count (frame 0 = 00:00:00:00). */
export function framesToTimecode(frames: number, rate: FrameRate): string {
  let f = Math.floor(frames) % framesPerDay(rate);
  if (f < 0) f += framesPerDay(rate);
  if (rate.dropFrame) {
    const drop = droppedPerMinute(rate);
    const perTenMinutes = rate.nominal * 600 - 9 * drop;
    const perMinute = rate.nominal * 60 - drop;
    const tens = Math.floor(f / perTenMinutes);
    const rest = f % perTenMinutes;
    // minute 0 of each ten keeps all its numbers; each later minute skips `drop` of them
    f += 9 * drop * tens + (rest > drop ? drop * Math.floor((rest - drop) / perMinute) : 0);
  }
  const n = rate.nominal;
  const ff = f % n;
  const totalSeconds = Math.floor(f / n);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600);
  const two = (v: number) => String(v).padStart(2, "0");
  return `${two(hh)}:${two(mm)}:${two(ss)}${rate.dropFrame ? ";" : ":"}${two(ff)}`;
}

/**
 * The frame containing sample `sampleIndex` (0 = the first sample of the file) when the file starts
 * `timeReferenceSamples` samples after midnight (BWF bext TimeReference; 0 without one).
 */
export function samplesToTimecode(
  sampleIndex: number,
  sampleRate: number,
  rate: FrameRate,
  timeReferenceSamples = 0,
): string {
  const samples = timeReferenceSamples + sampleIndex;
  // frames = floor(samples * num / (den * fs)); BigInt because samples * num can pass 2^53 (24 h at 192 kHz x 60000)
  const frames =
    (BigInt(Math.round(samples)) * BigInt(rate.numerator)) / BigInt(rate.denominator * sampleRate);
  return framesToTimecode(Number(frames), rate);
}

/** Seconds from the start of the file, snapped to the nearest sample, as timecode. */
export function secondsToTimecode(
  seconds: number,
  sampleRate: number,
  rate: FrameRate,
  timeReferenceSamples = 0,
): string {
  return samplesToTimecode(Math.round(seconds * sampleRate), sampleRate, rate, timeReferenceSamples);
}
