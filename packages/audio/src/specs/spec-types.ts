/**
 * Specs are versioned data (targets, tolerances, effective dates); the procedures that apply them
 * are code (judge.ts). A verdict records the version it was made under, so old verdicts keep theirs.
 */

export type Mix = "5.1" | "2.0" | "atmos" | "me";
export const MIXES: readonly Mix[] = ["5.1", "2.0", "atmos", "me"];

export type Severity = "FYI" | "Issue" | "Blocker";

export interface LoudnessTarget {
  targetLkfs: number;
  /** pass when |rounded value - target| <= tolerance */
  toleranceLu: number;
}

/**
 * How the two loudness measurements combine:
 * - "two-step" (partner QC flagging): dialogue-gated first; only if it fails, full programme; flag
 *   only when both fail, quoting both numbers.
 * - "speech-share" (delivery spec): the speech share picks the one measurement that must pass:
 *   dialogue-gated when there is enough dialogue, else full programme.
 */
export type LoudnessProcedure = "two-step" | "speech-share";

export interface SpeechShareRule {
  percent: number;
  /**
   * Whether the dialogue-gated measurement counts at exactly `percent`. Partner QC: step 1 fails
   * when speech is UNDER 15 %, so exactly 15 % counts (true). Delivery: full programme applies when
   * dialogue is 15 % OR LESS, so exactly 15 % does not count (false).
   */
  dialogueCountsAtExactly: boolean;
}

export interface SpecVersion {
  version: number;
  /** first day in force, YYYY-MM-DD, read in the studio time zone; in force until the next version */
  effectiveFrom: string;
  procedure: LoudnessProcedure;
  /** step 1: BS.1770-1 style dialogue-gated loudness (open approximation of Dolby Dialogue Intelligence) */
  dialogueGated: LoudnessTarget;
  /** step 2 / fallback: BS.1770-4 integrated ("infinite, all") */
  fullProgramme: LoudnessTarget;
  speechShare: SpeechShareRule;
  /** severity of [020] per mix; null = loudness is not checked for that mix (M&E) */
  loudnessSeverity: Record<Mix, Severity | null>;
  truePeak: {
    /** flagged when the judged true peak, rounded to 0.1 dB, EXCEEDS this */
    maxDbtp: number;
    severity: Record<Mix, Severity>;
  };
  /** where the numbers come from, and assumptions made where the source is silent */
  notes: string[];
}

export interface SpecFamily {
  id: string;
  name: string;
  versions: SpecVersion[];
}
