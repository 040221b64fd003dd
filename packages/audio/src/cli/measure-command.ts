/**
 * `loupe measure FILE...`: measures each file in turn, prints a table (or JSON), writes --series CSVs.
 * A file that cannot be read is reported on stderr and the others are still measured; the exit code
 * says whether everything was measured (0) or not (2). Usage errors exit 1.
 */
import { existsSync, fstatSync } from "node:fs";
import { isatty } from "node:tty";
import { isAudioReadError } from "../io/errors.ts";
import { analyseFile, analyseStream, type MeasurementReport, type MeasureOptions } from "../measure.ts";
import type { MeasurementResult } from "../types.ts";
import { formatTable } from "./format-table.ts";
import { MEASURE_USAGE, type MeasureCommand, parseMeasureArgs } from "./measure-args.ts";
import { progressBar } from "./progress-bar.ts";
import { seriesPath, writeSeriesCsv } from "./series-csv.ts";

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_UNREADABLE = 2;

export async function runMeasure(argv: string[]): Promise<number> {
  const parsed = parseMeasureArgs(argv);
  if ("help" in parsed) {
    process.stdout.write(`${MEASURE_USAGE}\n`);
    return EXIT_OK;
  }
  if ("error" in parsed) {
    process.stderr.write(`loupe measure: ${parsed.error}\n\n${MEASURE_USAGE}\n`);
    return EXIT_USAGE;
  }
  const command = parsed.command;
  if (command.files.filter((f) => f === "-").length > 1) {
    process.stderr.write("loupe measure: standard input (-) can be read only once\n");
    return EXIT_USAGE;
  }

  // Ctrl-C stops the measurement cleanly (workers and ffmpeg are released) instead of killing mid-write
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSigint);

  const results: MeasurementResult[] = [];
  let exitCode = EXIT_OK;
  try {
    for (const file of command.files) {
      const report = await measureOne(file, command, controller.signal);
      if (!report) {
        exitCode = EXIT_UNREADABLE;
        if (controller.signal.aborted) break;
        continue;
      }
      results.push(report.result);
      for (const warning of report.warnings) process.stderr.write(`loupe: ${file}: warning: ${warning}\n`);
      if (command.series) {
        const out = seriesPath(command.series, file, command.files.length > 1);
        try {
          await writeSeriesCsv(out, report.momentarySeries, report.shortTermSeries);
        } catch (error) {
          process.stderr.write(`loupe: cannot write the series to ${out}: ${(error as Error).message}\n`);
          exitCode = EXIT_UNREADABLE;
        }
      }
      if (!command.json) {
        process.stdout.write(
          `${results.length > 1 ? "\n" : ""}${formatTable(report.result, command.overThresholdDbtp)}\n`,
        );
      }
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  if (command.json) {
    const payload = command.files.length === 1 ? results[0] : results;
    if (payload !== undefined) process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  }
  return exitCode;
}

async function measureOne(
  file: string,
  command: MeasureCommand,
  signal: AbortSignal,
): Promise<MeasurementReport | undefined> {
  const bar = progressBar(file);
  const options: MeasureOptions = {
    truePeakFilter: command.truePeakFilter,
    overThresholdDbtp: command.overThresholdDbtp,
    frameRate: command.frameRate,
    layout: command.layout,
    threads: command.threads,
    dialogue: command.dialogue,
    dualMono: command.dualMono,
    signal,
    onProgress: (p) => bar.update(p),
  };
  try {
    if (file !== "-") return await analyseFile(file, options);
    // isatty, not process.stdin.isTTY: touching process.stdin creates a stream that could read fd 0
    if (isatty(0)) {
      process.stderr.write("loupe: -: standard input is a terminal; pipe an audio stream into it\n");
      return undefined;
    }
    return stdinOpensAsFile()
      ? await analyseFile("/dev/stdin", { ...options, name: "-" })
      : await analyseStream(process.stdin, { ...options, name: "-" });
  } catch (error) {
    const message = isAudioReadError(error)
      ? `${error.message} [${error.code}]`
      : signal.aborted
        ? `${file}: interrupted`
        : `${file}: measurement failed: ${(error as Error).stack ?? error}`;
    process.stderr.write(`loupe: ${message}\n`);
    return undefined;
  } finally {
    bar.clear();
  }
}

/**
 * A pipe or a redirected file on stdin is opened again as /dev/stdin: a pipe is then read straight into
 * reusable buffers (flat memory on a 6 GB master) and a file can even seek. A socket (what Node gives a
 * child's stdio) cannot be reopened that way and is read as a stream.
 */
function stdinOpensAsFile(): boolean {
  try {
    const stat = fstatSync(0);
    return (stat.isFIFO() || stat.isFile()) && existsSync("/dev/stdin");
  } catch {
    return false;
  }
}
