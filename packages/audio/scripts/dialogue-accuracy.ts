/**
 * Measures the speech detector against the ground truth of the dialogue fixtures and prints a table:
 * dialogue-gated loudness (an open approximation of Dolby Dialogue Intelligence) from the detector's
 * flags vs from the known speech intervals, and speech % both ways.
 *
 *   node packages/audio/scripts/dialogue-accuracy.ts [fixtureDir]
 */
import path from "node:path";
import { createSpeechDetector, dialogueGatedLoudness } from "../src/dialogue/index.ts";
import type { SpeechDetectorOptions } from "../src/dialogue/speech-pipeline.ts";
import { stepFlags } from "../src/dialogue/speech-segments.ts";
import { createAnalyzer } from "../src/engine/index.ts";
import { openAudioFile } from "../src/io/open-audio.ts";
import type { AnalyzerResult, SpeechResult } from "../src/types.ts";
import { type DialogueFixture, makeDialogueFixtures, missingFixtureTools } from "./make-dialogue-fixtures.ts";

export interface FixtureScore {
  fixture: DialogueFixture;
  measured: { lufs: number | null; speechPercent: number };
  truth: { lufs: number | null; speechPercent: number };
  integratedLufs: number | null;
  /** fraction of 100 ms steps where detector and truth agree */
  stepAgreement: number;
}

/** one pass: meter and speech detector fed the same chunks, as measure.ts does */
export async function analyseWithSpeech(
  file: string,
  options: SpeechDetectorOptions = {},
): Promise<{ measured: AnalyzerResult; speech: SpeechResult; sampleRate: number }> {
  const reader = await openAudioFile(file);
  const analyzer = await createAnalyzer(reader.format, {});
  const detector = createSpeechDetector(reader.format, options);
  try {
    for await (const chunk of reader.chunks()) {
      const speechDone = detector.push(chunk);
      await Promise.all([speechDone, analyzer.push(chunk)]);
    }
    const [measured, speech] = await Promise.all([analyzer.finish(), detector.finish()]);
    return { measured, speech, sampleRate: reader.format.sampleRate };
  } finally {
    await Promise.allSettled([analyzer.destroy(), detector.destroy(), reader.close()]);
  }
}

export async function scoreFixture(
  fixture: DialogueFixture,
  options: SpeechDetectorOptions = {},
): Promise<FixtureScore> {
  const { measured, speech, sampleRate } = await analyseWithSpeech(fixture.file, options);
  const truthFlags = stepFlags(fixture.truthIntervals, { sampleRate, frames: measured.frames });
  const truth = dialogueGatedLoudness(measured.stepEnergies, {
    stepFlags: truthFlags,
    speechIntervals: fixture.truthIntervals,
  });
  const gated = dialogueGatedLoudness(measured.stepEnergies, speech);
  let agree = 0;
  for (let j = 0; j < truthFlags.length; j++) if (truthFlags[j] === speech.stepFlags[j]) agree++;
  return {
    fixture,
    measured: { lufs: gated.dialogueGatedLufs, speechPercent: gated.speechPercent },
    truth: { lufs: truth.dialogueGatedLufs, speechPercent: truth.speechPercent },
    integratedLufs: measured.integratedLufs,
    stepAgreement: truthFlags.length === 0 ? 1 : agree / truthFlags.length,
  };
}

const fmt = (x: number | null, digits = 2) => (x === null ? "null" : x.toFixed(digits));

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingFixtureTools();
  if (missing) {
    console.error(missing);
    process.exit(2);
  }
  const manifest = makeDialogueFixtures(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(
    "| fixture | dialogue-gated (detector) | truth | diff LU | speech % (detector) | truth % | step agreement | integrated |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const fixture of manifest.fixtures) {
    const s = await scoreFixture(fixture);
    const diff = s.measured.lufs !== null && s.truth.lufs !== null ? s.measured.lufs - s.truth.lufs : null;
    console.log(
      `| ${fixture.name} | ${fmt(s.measured.lufs)} | ${fmt(s.truth.lufs)} | ${fmt(diff)} | ${fmt(s.measured.speechPercent, 1)} | ${fmt(s.truth.speechPercent, 1)} | ${(s.stepAgreement * 100).toFixed(1)} % | ${fmt(s.integratedLufs)} |`,
    );
  }
}
