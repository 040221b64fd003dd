/**
 * `loupe measure` arguments: parsed with node:util parseArgs, validated with zod (the one place input
 * from outside is checked), turned into MeasureOptions.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseLayout } from "../io/channel-layout.ts";
import { DEFAULT_OVER_THRESHOLD_DBTP } from "../measure.ts";
import { DEFAULT_FRAME_RATE, FRAME_RATE_NAMES, parseFrameRate } from "../timecode.ts";
import type { ChannelLabel, TruePeakFilter } from "../types.ts";

export const MEASURE_USAGE = `Usage: loupe measure FILE... [options]

Measures loudness (ITU-R BS.1770-4/-5, EBU R 128) and true peak of each FILE.
FILE may be WAV, BWF, RF64/BW64 (read natively) or anything ffmpeg reads (MOV, MXF, FLAC, MP4...);
"-" reads standard input: WAV/RF64, or a streamable format (FLAC, MP3, MPEG-TS...) through ffmpeg.

Options:
  --json                    print JSON (one object, or an array for several files) instead of a table
  --tp-threshold DBTP       list true-peak overs above this level (default ${DEFAULT_OVER_THRESHOLD_DBTP})
  --frame-rate FPS          timecode rate of the overs: ${FRAME_RATE_NAMES.join(", ")}
                            (default: the file's timecode track rate, else ${DEFAULT_FRAME_RATE})
  --series OUT              write momentary and short-term loudness every 100 ms as CSV to OUT
                            (with several files: OUT with the file's name inserted before .csv)
  --layout L,R,C,...        channel roles in file order, overriding the file (labels: L R C LFE Ls Rs
                            Lrs Rrs Lss Rss Cs Lc Rc Lw Rw Ltf Rtf Ctf Ltr Rtr Ctr Tc LFE2 M Ch<n>)
  --tp-filter FILTER        reference (BS.1770 Annex 2 table, default) or high-precision
  --threads N               analyzer worker threads (0 = none; default: one per core, at most channels)
  --dual-mono               measure a one-channel file as dual mono (heard on L and R: +3.01 dB)
  --dialogue                also measure dialogue-gated loudness (an open approximation of Dolby DI)
  -h, --help                show this help

Exit status: 0 when every file was measured, 2 when a file could not be read (the others are still
printed), 1 for a usage error.`;

export interface MeasureCommand {
  files: string[];
  json: boolean;
  overThresholdDbtp: number;
  /** absent: the file's timecode track rate, else the default */
  frameRate?: string;
  series?: string;
  layout?: ChannelLabel[];
  truePeakFilter: TruePeakFilter;
  threads?: number;
  dialogue: boolean;
  dualMono: boolean;
}

const VALUE_OPTIONS = ["--tp-threshold", "--frame-rate", "--series", "--layout", "--tp-filter", "--threads"];

/** parseArgs refuses "--tp-threshold -2" as ambiguous; a negative number there is clearly the value. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (VALUE_OPTIONS.includes(argv[i]) && /^-\d/.test(argv[i + 1] ?? "")) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

const number = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, `${name} must be a number`)
    .transform(Number);

const schema = z.object({
  files: z.array(z.string().min(1)).min(1, "give at least one FILE (or - for standard input)"),
  json: z.boolean().default(false),
  "tp-threshold": number("--tp-threshold")
    .pipe(z.number().min(-100).max(30, "--tp-threshold must be between -100 and 30 dBTP"))
    .optional(),
  "frame-rate": z
    .string()
    .refine(
      (v) => parseFrameRate(v) !== undefined,
      `--frame-rate must be one of ${FRAME_RATE_NAMES.join(", ")}`,
    )
    .optional(),
  series: z.string().min(1).optional(),
  layout: z
    .string()
    .transform((v, ctx) => {
      const parsed = parseLayout(v);
      if ("error" in parsed) {
        ctx.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }
      return parsed.labels;
    })
    .optional(),
  "tp-filter": z
    .enum(["reference", "high-precision"], { message: "--tp-filter must be reference or high-precision" })
    .default("reference"),
  threads: number("--threads")
    .pipe(z.number().int("--threads must be a whole number").min(0).max(256, "--threads must be 0..256"))
    .optional(),
  dialogue: z.boolean().default(false),
  "dual-mono": z.boolean().default(false),
});

export type ParsedMeasureArgs = { help: true } | { command: MeasureCommand } | { error: string };

export function parseMeasureArgs(argv: string[]): ParsedMeasureArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        "tp-threshold": { type: "string" },
        "frame-rate": { type: "string" },
        series: { type: "string" },
        layout: { type: "string" },
        "tp-filter": { type: "string" },
        threads: { type: "string" },
        dialogue: { type: "boolean" },
        "dual-mono": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (parsed.values.help) return { help: true };
  const checked = schema.safeParse({ ...parsed.values, files: parsed.positionals });
  if (!checked.success) return { error: checked.error.issues.map((i) => i.message).join("; ") };
  const v = checked.data;
  return {
    command: {
      files: v.files,
      json: v.json,
      overThresholdDbtp: v["tp-threshold"] ?? DEFAULT_OVER_THRESHOLD_DBTP,
      frameRate: v["frame-rate"],
      series: v.series,
      layout: v.layout,
      truePeakFilter: v["tp-filter"],
      threads: v.threads,
      dialogue: v.dialogue,
      dualMono: v["dual-mono"],
    },
  };
}
