import type { SpecFamily } from "./spec-types.ts";

/**
 * The partner QC flagging procedure ("Loudness and True Peaks: how to measure and when to flag").
 * Its tolerances are looser than the delivery spec on purpose: they absorb the variance between
 * approved meters.
 */
export const PARTNER_QC: SpecFamily = {
  id: "partner-qc",
  name: "Partner QC loudness and true-peak flagging",
  versions: [
    {
      version: 1,
      effectiveFrom: "1970-01-01",
      procedure: "two-step",
      dialogueGated: { targetLkfs: -27, toleranceLu: 3 },
      fullProgramme: { targetLkfs: -24, toleranceLu: 3 },
      speechShare: { percent: 15, dialogueCountsAtExactly: true },
      loudnessSeverity: { "5.1": "Issue", "2.0": "Issue", atmos: "Issue", me: null },
      truePeak: { maxDbtp: -2.0, severity: { "5.1": "Issue", "2.0": "Issue", atmos: "FYI", me: "Issue" } },
      notes: [
        "The rule replaced on 2021-02-02: true peak flagged above -2.0 dBTP.",
        "No earlier version is recorded, so version 1 applies to every date before 2021-02-02.",
        "Loudness procedure and per-mix severities assumed unchanged by the 2021-02-02 announcement.",
      ],
    },
    {
      version: 2,
      effectiveFrom: "2021-02-02",
      procedure: "two-step",
      dialogueGated: { targetLkfs: -27, toleranceLu: 3 },
      fullProgramme: { targetLkfs: -24, toleranceLu: 3 },
      speechShare: { percent: 15, dialogueCountsAtExactly: true },
      loudnessSeverity: { "5.1": "Issue", "2.0": "Issue", atmos: "Issue", me: null },
      truePeak: { maxDbtp: -1.0, severity: { "5.1": "Issue", "2.0": "Issue", atmos: "FYI", me: "Issue" } },
      notes: [
        "Announced 2021-02-02, effective immediately: true peak flagged only if it EXCEEDS -1.0 dBTP.",
        "Step 1 counts as failed when speech is under 15 % of the programme (exactly 15 % is enough).",
        "Atmos true-peak overs are FYI (the procedure escalates audible distortion by ear, not by meter).",
        "Music & Effects mixes: loudness not checked; true peak still checked.",
      ],
    },
  ],
};
