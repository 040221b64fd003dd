/**
 * `loupe check FILE`: one pass over the file (meter + speech detection on worker threads), then the
 * spec's procedure. Exit 0 pass (FYI flags alone still pass), 1 flagged, 2 input error.
 */
import { isAudioReadError } from "../io/errors.ts";
import { openAudioFile } from "../io/open-audio.ts";
import { measureFile } from "../measure.ts";
import { calendarDate, getSpec, judge, type Mix, studioDate, versionInForce } from "../specs/index.ts";
import { CHECK_USAGE, parseCheckArgs } from "./check-args.ts";
import { formatVerdict } from "./check-report.ts";

const EXIT_PASS = 0;
const EXIT_FLAGGED = 1;
const EXIT_INPUT_ERROR = 2;

const MIX_BY_CHANNELS: Record<number, Mix> = { 6: "5.1", 2: "2.0" };

export async function runCheck(argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv);
  if ("help" in args) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return EXIT_PASS;
  }
  if ("error" in args) {
    process.stderr.write(`loupe check: ${args.error}\n\n${CHECK_USAGE}\n`);
    return EXIT_INPUT_ERROR;
  }
  const c = args.command;
  try {
    const spec = getSpec(c.spec);
    const date = c.date ? studioDate(c.date, c.timeZone) : calendarDate(new Date(), c.timeZone);
    const version = versionInForce(spec, date);
    const mix = c.mix ?? (await mixFromChannels(c.file));
    if (!mix) {
      process.stderr.write(
        `loupe check: ${c.file}: cannot tell the mix from its channel count; give --mix\n`,
      );
      return EXIT_INPUT_ERROR;
    }
    const measurement = await measureFile(c.file, {
      dialogue: true,
      frameRate: c.frameRate,
      // list every over the spec's limit could flag
      overThresholdDbtp: version.truePeak.maxDbtp,
    });
    const verdict = judge(measurement, spec, { mix, date, timeZone: c.timeZone });
    if (c.json) process.stdout.write(`${JSON.stringify({ file: c.file, verdict, measurement }, null, 2)}\n`);
    else process.stdout.write(`${formatVerdict(c.file, verdict, measurement)}\n`);
    return verdict.result === "pass" ? EXIT_PASS : EXIT_FLAGGED;
  } catch (error) {
    if (isAudioReadError(error) || error instanceof RangeError) {
      process.stderr.write(`loupe check: ${error.message}\n`);
      return EXIT_INPUT_ERROR;
    }
    throw error;
  }
}

async function mixFromChannels(file: string): Promise<Mix | undefined> {
  const reader = await openAudioFile(file);
  try {
    return MIX_BY_CHANNELS[reader.format.channels];
  } finally {
    await reader.close();
  }
}
