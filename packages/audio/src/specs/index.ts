/** Loudness and true-peak specs as versioned data, judged by procedures in code. */
export { formatTenth, roundToTenth } from "./display-rounding.ts";
export { calendarDate, studioDate, versionInForce } from "./effective-version.ts";
export {
  DIALOGUE_GATED_NAME,
  type Flag,
  type JudgedMeasurement,
  type JudgeOptions,
  judge,
  type LoudnessStep,
  type Verdict,
} from "./judge.ts";
export { getSpec, SPECS } from "./registry.ts";
export { MIXES, type Mix, type Severity, type SpecFamily, type SpecVersion } from "./spec-types.ts";
