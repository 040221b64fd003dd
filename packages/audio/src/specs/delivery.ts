import type { SpecFamily } from "./spec-types.ts";

/**
 * The mix delivery spec (sound mix specifications): what a mix must meet, tighter than the QC
 * flagging thresholds. Dialogue-gated -27 +/-2 LU; full programme -24 +/-2 LU when dialogue is
 * 15 % or less of the programme; true peak no higher than -2 dBTP.
 */
export const DELIVERY: SpecFamily = {
  id: "delivery",
  name: "Mix delivery spec",
  versions: [
    {
      version: 1,
      effectiveFrom: "1970-01-01",
      procedure: "speech-share",
      dialogueGated: { targetLkfs: -27, toleranceLu: 2 },
      fullProgramme: { targetLkfs: -24, toleranceLu: 2 },
      speechShare: { percent: 15, dialogueCountsAtExactly: false },
      loudnessSeverity: { "5.1": "Issue", "2.0": "Issue", atmos: "Issue", me: null },
      truePeak: { maxDbtp: -2.0, severity: { "5.1": "Issue", "2.0": "Issue", atmos: "Issue", me: "Issue" } },
      notes: [
        "Full programme applies when dialogue is 15 % OR LESS of the programme (the issue's wording); " +
          "DOMAIN.md also says 'under 15%' once: exactly 15 % is judged on full programme here.",
        "No version history is recorded: version 1 applies to every date.",
        "M&E mixes carry no dialogue: loudness not checked, as in partner QC; true peak still checked.",
        "Every out-of-spec item is an Issue: the spec does not grade them.",
      ],
    },
  ],
};
