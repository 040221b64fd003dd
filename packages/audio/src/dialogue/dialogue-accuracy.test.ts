import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { analyseWithSpeech, scoreFixture } from "../../scripts/dialogue-accuracy.ts";
import {
  type FixtureManifest,
  makeDialogueFixtures,
  missingFixtureTools,
} from "../../scripts/make-dialogue-fixtures.ts";
import { measureFile } from "../measure.ts";
import { getSpec, judge } from "../specs/index.ts";

const missing = missingFixtureTools();
const skip = missing ? `dialogue fixtures need espeak-ng and sox: ${missing}` : false;

describe("dialogue-gated loudness against known speech (espeak-ng over sox beds)", { skip }, () => {
  let manifest: FixtureManifest;
  before(() => {
    manifest = makeDialogueFixtures();
  });
  const spoken = (bed: string, snr: number, layout: string) => `speech-${bed}-${snr}dB-${layout}`;
  for (const bed of ["music", "effects"]) {
    for (const snr of [20, 10, 0]) {
      for (const layout of ["stereo", "5.1"]) {
        const name = spoken(bed, snr, layout);
        test(`${name}: within 1 LU of the truth, speech % within 5 points`, async () => {
          const fixture = manifest.fixtures.find((f) => f.name === name);
          assert.ok(fixture, name);
          const s = await scoreFixture(fixture);
          assert.ok(s.measured.lufs !== null && s.truth.lufs !== null);
          assert.ok(
            Math.abs(s.measured.lufs - s.truth.lufs) <= 1,
            `dialogue-gated ${s.measured.lufs.toFixed(2)} vs truth ${s.truth.lufs.toFixed(2)}`,
          );
          assert.ok(
            Math.abs(s.measured.speechPercent - s.truth.speechPercent) <= 5,
            `speech ${s.measured.speechPercent.toFixed(1)} % vs truth ${s.truth.speechPercent.toFixed(1)} %`,
          );
        });
      }
    }
    test(`bed-${bed}-5.1 alone: under 5 % speech, and partner QC falls back to full programme`, async () => {
      const fixture = manifest.fixtures.find((f) => f.name === `bed-${bed}-5.1`);
      assert.ok(fixture);
      const m = await measureFile(fixture.file, { dialogue: true });
      assert.ok((m.speechPercent as number) < 5, `speech ${m.speechPercent} %`);
      const verdict = judge(m, getSpec("partner-qc"), { mix: "5.1", date: "2021-03-01" });
      assert.equal(verdict.loudness.steps[0].passed, false);
      assert.equal(verdict.loudness.decidedBy, "full-programme");
      assert.equal(verdict.loudness.steps[1].valueLkfs, m.integratedLufs);
    });
  }
  // docs/dialogue-gating.md: lyric-dense singing counts as speech, held vowels mostly do not
  test("sung lyrics over music are mostly detected as speech; held vowels mostly are not", async () => {
    const sung = manifest.fixtures.find((f) => f.name === "sung-music-10dB-stereo");
    const held = manifest.fixtures.find((f) => f.name === "sustained-music-10dB-stereo");
    assert.ok(sung && held);
    const sungScore = await scoreFixture(sung);
    assert.ok(
      sungScore.measured.speechPercent > 0.6 * sungScore.truth.speechPercent,
      `${sungScore.measured.speechPercent} %`,
    );
    const heldScore = await scoreFixture(held);
    assert.ok(
      heldScore.measured.speechPercent < 0.3 * heldScore.truth.speechPercent,
      `${heldScore.measured.speechPercent} %`,
    );
  });
  test("windows below the level floor are non-speech whatever the model would say", async () => {
    const fixture = manifest.fixtures.find((f) => f.name === "speech-music-20dB-stereo");
    assert.ok(fixture);
    // the level floor above full scale makes every window "silent": nothing may run, nothing is speech
    const { speech } = await analyseWithSpeech(fixture.file, { levelFloorDbfs: 10 });
    assert.equal(speech.speechIntervals.length, 0);
    assert.ok(speech.stepFlags.every((f) => f === 0));
  });
  test("cutting the stream into 2 s blocks run side by side barely changes the result", async () => {
    const fixture = manifest.fixtures.find((f) => f.name === "speech-effects-10dB-stereo");
    assert.ok(fixture);
    const unbroken = await analyseWithSpeech(fixture.file, { blockWindows: 1_000_000, lanes: 1 });
    const blocked = await analyseWithSpeech(fixture.file, { blockWindows: 64, lanes: 32 });
    const a = unbroken.speech.stepFlags;
    const b = blocked.speech.stepFlags;
    let agree = 0;
    for (let j = 0; j < a.length; j++) if (a[j] === b[j]) agree++;
    assert.ok(agree / a.length >= 0.98, `${agree} of ${a.length} steps agree`);
  });
});
