import type { MeasurementResult } from "../types.ts";
import { formatTenth, roundToTenth } from "./display-rounding.ts";
import { studioDate, versionInForce } from "./effective-version.ts";
import type { LoudnessTarget, Mix, Severity, SpecFamily, SpecVersion } from "./spec-types.ts";

export const DIALOGUE_GATED_NAME =
  "dialogue-gated loudness (an open approximation of Dolby Dialogue Intelligence)";

/** what judge() reads from a measurement; `loupe measure --json` output satisfies it */
export type JudgedMeasurement = Pick<
  MeasurementResult,
  "integratedLufs" | "truePeakDbtp" | "samplePeakDbfs" | "channels" | "truePeakOvers"
> &
  Partial<Pick<MeasurementResult, "dialogueGatedLufs" | "speechPercent" | "file">>;

export interface LoudnessStep {
  step: 1 | 2;
  measurement: "dialogue-gated" | "full-programme";
  /** as measured; null when there was nothing to measure */
  valueLkfs: number | null;
  /** the value compared, rounded to 0.1 LU */
  roundedLkfs: number | null;
  targetLkfs: number;
  toleranceLu: number;
  passed: boolean;
  /** why a step failed without its value being out of range */
  note?: string;
}

export interface Flag {
  code: "020" | "022";
  severity: Severity;
  title: string;
  description: string;
  /** [022]: the true-peak overs above the limit (timecodes from the measurement) */
  overs?: { channel: string; startTimecode: string; endTimecode: string; peakDbtp: number }[];
}

export interface Verdict {
  result: "pass" | "flagged";
  spec: { id: string; name: string; version: number; effectiveFrom: string; procedure: string };
  /** the studio calendar date the version was chosen for, and the zone it was read in */
  date: string;
  timeZone: string;
  mix: Mix;
  loudness: {
    checked: boolean;
    /** the measurement whose result stands: step 1 if it passed, else step 2 */
    decidedBy: "dialogue-gated" | "full-programme" | null;
    passed: boolean;
    steps: LoudnessStep[];
  };
  truePeak: {
    /** max over all channels (LFE included) of max(true peak, sample peak); null for digital silence */
    judgedDbtp: number | null;
    roundedDbtp: number | null;
    maxDbtp: number;
    passed: boolean;
  };
  measurements: {
    dialogueGatedLufs: number | null;
    speechPercent: number | null;
    integratedLufs: number | null;
    truePeakDbtp: number | null;
  };
  flags: Flag[];
  labels: { dialogueGated: string };
}

export interface JudgeOptions {
  mix: Mix;
  /** the task's date: YYYY-MM-DD (a studio calendar date) or an instant read in timeZone */
  date: string | Date;
  /** IANA zone the studio reads dates in (default UTC) */
  timeZone?: string;
}

/** A pure function: the same measurement, spec and options always give the same verdict. */
export function judge(measurement: JudgedMeasurement, spec: SpecFamily, options: JudgeOptions): Verdict {
  const timeZone = options.timeZone ?? "UTC";
  const date = studioDate(options.date, timeZone);
  const version = versionInForce(spec, date);
  const flags: Flag[] = [];

  const loudness = judgeLoudness(measurement, version, options.mix, flags);
  const truePeak = judgeTruePeak(measurement, version, options.mix, flags);

  const blocking = flags.some((f) => f.severity === "Issue" || f.severity === "Blocker");
  return {
    result: blocking ? "flagged" : "pass",
    spec: {
      id: spec.id,
      name: spec.name,
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      procedure: version.procedure,
    },
    date,
    timeZone,
    mix: options.mix,
    loudness,
    truePeak,
    measurements: {
      dialogueGatedLufs: measurement.dialogueGatedLufs ?? null,
      speechPercent: measurement.speechPercent ?? null,
      integratedLufs: measurement.integratedLufs,
      truePeakDbtp: truePeak.judgedDbtp,
    },
    flags,
    labels: { dialogueGated: DIALOGUE_GATED_NAME },
  };
}

function withinTarget(
  value: number | null,
  target: LoudnessTarget,
): { rounded: number | null; passed: boolean } {
  if (value === null) return { rounded: null, passed: false };
  const rounded = roundToTenth(value);
  // compare in tenths as integers so -30.0 vs -27 - 3 has no floating-point doubt
  const deviation = Math.abs(Math.round(rounded * 10) - Math.round(target.targetLkfs * 10));
  return { rounded, passed: deviation <= Math.round(target.toleranceLu * 10) };
}

/** whether the speech share is enough for the dialogue-gated measurement (compared at 0.1 %) */
function enoughSpeech(speechPercent: number | undefined, version: SpecVersion): boolean {
  if (speechPercent === undefined) return false;
  const share = roundToTenth(speechPercent);
  const rule = version.speechShare;
  return rule.dialogueCountsAtExactly ? share >= rule.percent : share > rule.percent;
}

function dialogueStep(m: JudgedMeasurement, version: SpecVersion): LoudnessStep {
  const target = version.dialogueGated;
  const value = m.dialogueGatedLufs ?? null;
  const base = { step: 1 as const, measurement: "dialogue-gated" as const, valueLkfs: value, ...target };
  if (m.speechPercent === undefined) {
    return { ...base, roundedLkfs: null, passed: false, note: "dialogue analysis did not run" };
  }
  const { rounded, passed } = withinTarget(value, target);
  if (!enoughSpeech(m.speechPercent, version)) {
    const rule = version.speechShare;
    const bound = rule.dialogueCountsAtExactly ? `under ${rule.percent} %` : `${rule.percent} % or less`;
    return {
      ...base,
      roundedLkfs: rounded,
      passed: false,
      note: `speech is ${m.speechPercent.toFixed(1)} % of the programme (${bound}): too little dialogue to measure`,
    };
  }
  if (value === null)
    return { ...base, roundedLkfs: null, passed: false, note: "no speech above the silence gate" };
  return { ...base, roundedLkfs: rounded, passed };
}

function programmeStep(m: JudgedMeasurement, version: SpecVersion): LoudnessStep {
  const target = version.fullProgramme;
  const { rounded, passed } = withinTarget(m.integratedLufs, target);
  return {
    step: 2,
    measurement: "full-programme",
    valueLkfs: m.integratedLufs,
    roundedLkfs: rounded,
    ...target,
    passed,
    ...(m.integratedLufs === null ? { note: "programme is silent" } : {}),
  };
}

function describeStep(s: LoudnessStep): string {
  const name =
    s.measurement === "dialogue-gated" ? "dialogue-gated (open approximation of Dolby DI)" : "full programme";
  const value = s.roundedLkfs === null ? "not measurable" : `${s.roundedLkfs.toFixed(1)} LKFS`;
  const why = s.note ? `; ${s.note}` : "";
  return `${name} ${value} (target ${s.targetLkfs} +/-${s.toleranceLu} LU${why})`;
}

function judgeLoudness(
  m: JudgedMeasurement,
  version: SpecVersion,
  mix: Mix,
  flags: Flag[],
): Verdict["loudness"] {
  const severity = version.loudnessSeverity[mix];
  if (severity === null) return { checked: false, decidedBy: null, passed: true, steps: [] };

  const steps: LoudnessStep[] = [];
  let decisive: LoudnessStep;
  if (version.procedure === "two-step") {
    // step 2 runs only when step 1 fails
    const first = dialogueStep(m, version);
    steps.push(first);
    decisive = first.passed ? first : programmeStep(m, version);
    if (!first.passed) steps.push(decisive);
  } else {
    // speech-share: the speech share picks the one measurement that must pass
    const speechOk = m.speechPercent !== undefined && enoughSpeech(m.speechPercent, version);
    decisive = speechOk ? dialogueStep(m, version) : { ...programmeStep(m, version), step: 1 };
    if (!speechOk && m.speechPercent !== undefined) {
      decisive.note = `speech is ${m.speechPercent.toFixed(1)} % of the programme, ${version.speechShare.percent} % or less: full programme applies`;
    }
    steps.push(decisive);
  }
  if (!decisive.passed) {
    flags.push({
      code: "020",
      severity,
      title: "Loudness LKFS Out of Spec",
      description: `Loudness LKFS Out of Spec: ${steps.map(describeStep).join("; ")}`,
    });
  }
  return { checked: true, decidedBy: decisive.measurement, passed: decisive.passed, steps };
}

/** max over all channels (LFE included) of max(true peak, sample peak) */
function judgedTruePeak(m: JudgedMeasurement): number | null {
  let max: number | null = null;
  const consider = (v: number | null | undefined): void => {
    if (v !== null && v !== undefined && (max === null || v > max)) max = v;
  };
  consider(m.truePeakDbtp);
  consider(m.samplePeakDbfs);
  for (const c of m.channels) {
    consider(c.truePeakDbtp);
    consider(c.samplePeakDbfs);
  }
  return max;
}

function judgeTruePeak(
  m: JudgedMeasurement,
  version: SpecVersion,
  mix: Mix,
  flags: Flag[],
): Verdict["truePeak"] {
  const judgedDbtp = judgedTruePeak(m);
  const limit = version.truePeak.maxDbtp;
  const roundedDbtp = judgedDbtp === null ? null : roundToTenth(judgedDbtp);
  const passed = roundedDbtp === null || Math.round(roundedDbtp * 10) <= Math.round(limit * 10);
  if (!passed && roundedDbtp !== null) {
    const overs = m.truePeakOvers
      .filter((o) => Math.round(roundToTenth(o.peakDbtp) * 10) > Math.round(limit * 10))
      .map((o) => ({
        channel: o.channel,
        startTimecode: o.startTimecode,
        endTimecode: o.endTimecode,
        peakDbtp: o.peakDbtp,
      }));
    const where =
      overs.length > 0
        ? `; ${overs.length} over(s), first at ${overs[0].startTimecode} (${overs[0].channel})`
        : "";
    flags.push({
      code: "022",
      severity: version.truePeak.severity[mix],
      title: "True Peak Out of Spec",
      description: `True Peak Out of Spec: true peak ${formatTenth(judgedDbtp as number)} dBTP exceeds ${limit.toFixed(1)} dBTP (max over all channels of true and sample peak)${where}`,
      overs,
    });
  }
  return { judgedDbtp, roundedDbtp, maxDbtp: limit, passed };
}
