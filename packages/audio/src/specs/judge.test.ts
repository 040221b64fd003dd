import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { roundToTenth } from "./display-rounding.ts";
import { calendarDate } from "./effective-version.ts";
import { type JudgedMeasurement, judge } from "./judge.ts";
import { getSpec } from "./registry.ts";

const partnerQc = getSpec("partner-qc");
const delivery = getSpec("delivery");
const V2_DAY = "2021-02-02";

function measurement(fields: {
  dialogue?: number | null;
  speech?: number;
  integrated?: number | null;
  truePeak?: number | null;
  lfePeak?: number;
  samplePeak?: number;
}): JudgedMeasurement {
  const tp = fields.truePeak === undefined ? -6 : fields.truePeak;
  return {
    dialogueGatedLufs: fields.dialogue === undefined ? -27 : fields.dialogue,
    speechPercent: fields.speech ?? 40,
    integratedLufs: fields.integrated === undefined ? -24 : fields.integrated,
    truePeakDbtp: tp,
    samplePeakDbfs: fields.samplePeak ?? (tp === null ? null : tp - 0.5),
    channels: [
      { label: "L", truePeakDbtp: tp, samplePeakDbfs: fields.samplePeak ?? (tp === null ? null : tp - 0.5) },
      { label: "LFE", truePeakDbtp: fields.lfePeak ?? -20, samplePeakDbfs: fields.lfePeak ?? -20 },
    ],
    truePeakOvers:
      tp !== null && tp > -2.05
        ? [
            {
              channel: "L",
              startSeconds: 61,
              endSeconds: 61.001,
              peakDbtp: tp,
              startTimecode: "00:01:01:00",
              endTimecode: "00:01:01:00",
            },
          ]
        : [],
  };
}

const qc = (m: JudgedMeasurement, mix: "5.1" | "2.0" | "atmos" | "me" = "5.1", date = V2_DAY) =>
  judge(m, partnerQc, { mix, date });

describe("display rounding (half away from zero, as meters show)", () => {
  test("boundary values round as written", () => {
    assert.equal(roundToTenth(-23.95), -24.0);
    assert.equal(roundToTenth(-30.05), -30.1);
    assert.equal(roundToTenth(-0.95), -1.0);
    assert.equal(roundToTenth(-0.94), -0.9);
    assert.equal(roundToTenth(-1.04), -1.0);
    assert.equal(roundToTenth(14.95), 15.0);
  });
});

describe("partner-qc v2 two-step loudness", () => {
  test("step 1 passes at exactly -30.0 and -24.0 dialogue-gated; step 2 is not run", () => {
    for (const dialogue of [-30.0, -24.0, -27]) {
      const v = qc(measurement({ dialogue, integrated: -40 }));
      assert.equal(v.result, "pass", `dialogue ${dialogue}`);
      assert.equal(v.loudness.decidedBy, "dialogue-gated");
      assert.equal(v.loudness.steps.length, 1);
      assert.deepEqual(v.flags, []);
    }
  });
  test("-23.95 rounds to -24.0 and passes; -30.05 rounds to -30.1 and fails step 1", () => {
    assert.equal(qc(measurement({ dialogue: -23.95, integrated: -40 })).loudness.decidedBy, "dialogue-gated");
    const v = qc(measurement({ dialogue: -30.05, integrated: -24 }));
    assert.equal(v.loudness.steps[0].passed, false);
    assert.equal(v.loudness.steps[0].roundedLkfs, -30.1);
    assert.equal(v.loudness.decidedBy, "full-programme");
    assert.equal(v.result, "pass");
  });
  test("-23.9 dialogue-gated fails step 1", () => {
    const v = qc(measurement({ dialogue: -23.94, integrated: -24 }));
    assert.equal(v.loudness.steps[0].passed, false);
    assert.equal(v.loudness.decidedBy, "full-programme");
  });
  test("step 1 fails, step 2 passes at its edges (-27.0, -21.0, -20.95): no flag", () => {
    for (const integrated of [-27.0, -21.0, -20.95, -27.04]) {
      const v = qc(measurement({ dialogue: -35, integrated }));
      assert.equal(v.result, "pass", `integrated ${integrated}`);
      assert.equal(v.loudness.steps.length, 2);
      assert.equal(v.loudness.decidedBy, "full-programme");
      assert.deepEqual(v.flags, []);
    }
  });
  test("both fail: [020] Issue quoting both numbers", () => {
    const v = qc(measurement({ dialogue: -31.2, integrated: -27.05 }));
    assert.equal(v.result, "flagged");
    assert.equal(v.flags.length, 1);
    const [flag] = v.flags;
    assert.equal(flag.code, "020");
    assert.equal(flag.severity, "Issue");
    assert.equal(flag.title, "Loudness LKFS Out of Spec");
    assert.match(flag.description, /-31\.2 LKFS/);
    assert.match(flag.description, /-27\.1 LKFS/);
    assert.match(flag.description, /open approximation of Dolby DI/);
  });
  test("speech exactly 15 % counts: step 1 decides", () => {
    const v = qc(measurement({ dialogue: -27, speech: 15, integrated: -40 }));
    assert.equal(v.loudness.decidedBy, "dialogue-gated");
    assert.equal(v.result, "pass");
  });
  test("speech under 15 % (14.9): step 1 counts as failed even in range, step 2 decides", () => {
    const pass = qc(measurement({ dialogue: -27, speech: 14.9, integrated: -24 }));
    assert.equal(pass.loudness.steps[0].passed, false);
    assert.match(pass.loudness.steps[0].note ?? "", /under 15 %/);
    assert.equal(pass.loudness.decidedBy, "full-programme");
    assert.equal(pass.result, "pass");
    const fail = qc(measurement({ dialogue: -27, speech: 14.9, integrated: -30 }));
    assert.equal(fail.result, "flagged");
    assert.equal(fail.flags[0].code, "020");
  });
  test("no speech at all (dialogue null, 0 %): full programme decides", () => {
    const v = qc(measurement({ dialogue: null, speech: 0, integrated: -24 }));
    assert.equal(v.loudness.decidedBy, "full-programme");
    assert.equal(v.result, "pass");
  });
  test("step 1 fails when dialogue analysis did not run, or no speech step is above the silence gate", () => {
    const { speechPercent: _omitted, ...withoutDialogue } = measurement({ integrated: -24 });
    const notRun = qc(withoutDialogue);
    assert.equal(notRun.loudness.steps[0].passed, false);
    assert.match(notRun.loudness.steps[0].note ?? "", /did not run/);
    assert.equal(notRun.loudness.decidedBy, "full-programme");
    const silent = qc(measurement({ dialogue: null, speech: 40, integrated: -24 }));
    assert.match(silent.loudness.steps[0].note ?? "", /silence gate/);
    assert.equal(silent.result, "pass");
  });
  test("M&E: loudness not checked, true peak still checked", () => {
    const quiet = qc(measurement({ dialogue: -50, integrated: -50 }), "me");
    assert.equal(quiet.loudness.checked, false);
    assert.equal(quiet.result, "pass");
    const hot = qc(measurement({ dialogue: -50, integrated: -50, truePeak: -0.5 }), "me");
    assert.equal(hot.result, "flagged");
    assert.deepEqual(
      hot.flags.map((f) => f.code),
      ["022"],
    );
  });
});

describe("partner-qc true peak", () => {
  test("v2: -1.0 passes, -0.95 rounds to -1.0 and passes, -0.94 rounds to -0.9 and is flagged", () => {
    assert.equal(qc(measurement({ truePeak: -1.0 })).result, "pass");
    assert.equal(qc(measurement({ truePeak: -0.95 })).result, "pass");
    const v = qc(measurement({ truePeak: -0.94 }));
    assert.equal(v.result, "flagged");
    assert.equal(v.flags[0].code, "022");
    assert.equal(v.flags[0].severity, "Issue");
    assert.equal(v.flags[0].title, "True Peak Out of Spec");
    assert.match(v.flags[0].description, /-0\.9 dBTP exceeds -1\.0 dBTP/);
    assert.equal(v.flags[0].overs?.[0].startTimecode, "00:01:01:00");
    assert.equal(v.truePeak.roundedDbtp, -0.9);
  });
  test("2.0 is an Issue; Atmos is FYI and still passes", () => {
    assert.equal(qc(measurement({ truePeak: -0.5 }), "2.0").flags[0].severity, "Issue");
    const atmos = qc(measurement({ truePeak: -0.5 }), "atmos");
    assert.equal(atmos.flags[0].severity, "FYI");
    assert.equal(atmos.result, "pass");
  });
  test("the LFE channel and the sample peak count", () => {
    assert.equal(qc(measurement({ truePeak: -6, lfePeak: -0.5 })).result, "flagged");
    assert.equal(qc(measurement({ truePeak: -1.2, samplePeak: -0.8 })).truePeak.roundedDbtp, -0.8);
  });
  test("digital silence has no true peak and passes the true-peak rule", () => {
    const v = qc({ ...measurement({ truePeak: null }), channels: [] }, "me");
    assert.equal(v.truePeak.judgedDbtp, null);
    assert.equal(v.result, "pass");
  });
  test("v1 on 2021-02-01 flags above -2.0; v2 on 2021-02-02 does not", () => {
    const m = measurement({ truePeak: -1.5 });
    const v1 = qc(m, "5.1", "2021-02-01");
    assert.equal(v1.spec.version, 1);
    assert.equal(v1.result, "flagged");
    assert.match(v1.flags[0].description, /exceeds -2\.0 dBTP/);
    assert.equal(qc(measurement({ truePeak: -2.0 }), "5.1", "2021-02-01").result, "pass");
    assert.equal(qc(measurement({ truePeak: -1.95 }), "5.1", "2021-02-01").result, "pass");
    assert.equal(qc(measurement({ truePeak: -1.94 }), "5.1", "2021-02-01").result, "flagged");
    const v2 = qc(m, "5.1", "2021-02-02");
    assert.equal(v2.spec.version, 2);
    assert.equal(v2.spec.effectiveFrom, "2021-02-02");
    assert.equal(v2.result, "pass");
  });
  test("an instant is read as a date in the studio time zone", () => {
    const instant = new Date("2021-02-01T23:30:00Z");
    assert.equal(calendarDate(instant, "UTC"), "2021-02-01");
    const m = measurement({ truePeak: -1.5 });
    assert.equal(judge(m, partnerQc, { mix: "5.1", date: instant }).spec.version, 1);
    const berlin = judge(m, partnerQc, { mix: "5.1", date: instant, timeZone: "Europe/Berlin" });
    assert.equal(berlin.date, "2021-02-02");
    assert.equal(berlin.spec.version, 2);
  });
  test("a malformed date is rejected", () => {
    assert.throws(() => qc(measurement({}), "5.1", "2021-2-2"), /YYYY-MM-DD/);
  });
});

describe("delivery spec", () => {
  const dv = (m: JudgedMeasurement, mix: "5.1" | "2.0" | "atmos" | "me" = "5.1") =>
    judge(m, delivery, { mix, date: "2024-06-01" });
  test("-27 +/-2 dialogue-gated when dialogue is over 15 %: -29.0/-25.0 pass, -29.05/-24.9 fail", () => {
    assert.equal(dv(measurement({ dialogue: -29.0, speech: 15.1 })).result, "pass");
    assert.equal(dv(measurement({ dialogue: -25.0 })).result, "pass");
    const low = dv(measurement({ dialogue: -29.05, integrated: -24 }));
    assert.equal(low.result, "flagged", "no fallback to full programme in the delivery spec");
    assert.equal(low.loudness.decidedBy, "dialogue-gated");
    assert.equal(dv(measurement({ dialogue: -24.9 })).result, "flagged");
  });
  test("dialogue exactly 15 %: full programme -24 +/-2 applies", () => {
    const v = dv(measurement({ dialogue: -35, speech: 15, integrated: -22.0 }));
    assert.equal(v.loudness.decidedBy, "full-programme");
    assert.equal(v.result, "pass");
    assert.equal(dv(measurement({ dialogue: -27, speech: 15, integrated: -21.9 })).result, "flagged");
  });
  test("true peak max -2 dBTP: -2.0 and -1.95 pass, -1.94 flagged", () => {
    assert.equal(dv(measurement({ truePeak: -2.0 })).result, "pass");
    assert.equal(dv(measurement({ truePeak: -1.95 })).result, "pass");
    const v = dv(measurement({ truePeak: -1.94 }));
    assert.equal(v.result, "flagged");
    assert.equal(v.flags[0].code, "022");
    assert.equal(v.spec.id, "delivery");
  });
});
