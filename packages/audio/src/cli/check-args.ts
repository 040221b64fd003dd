/**
 * `loupe check` arguments: node:util parseArgs, validated with zod.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { MIXES, type Mix, SPECS } from "../specs/index.ts";
import { DEFAULT_FRAME_RATE, FRAME_RATE_NAMES, parseFrameRate } from "../timecode.ts";

export const CHECK_USAGE = `Usage: loupe check FILE [options]

Judges FILE the way the studio's procedure does: two-step loudness (dialogue-gated, then full
programme) and true peak, against the spec version in force on the given date.
Dialogue-gated loudness is an open approximation of Dolby Dialogue Intelligence (Silero VAD v5).

Options:
  --spec ID            ${Object.keys(SPECS).join(" | ")} (default partner-qc)
  --mix MIX            ${MIXES.join(" | ")} (default from the channel count: 6 -> 5.1, 2 -> 2.0)
  --date YYYY-MM-DD    the task's date; picks the spec version in force (default today)
  --time-zone ZONE     IANA zone the studio reads dates in (default UTC)
  --frame-rate FPS     timecode rate of true-peak overs: ${FRAME_RATE_NAMES.join(", ")} (default ${DEFAULT_FRAME_RATE})
  --json               print the verdict and the measurement as JSON
  -h, --help           show this help

Exit status: 0 pass (FYI flags alone still pass), 1 flagged (an Issue or Blocker), 2 input error.`;

export interface CheckCommand {
  file: string;
  spec: string;
  mix?: Mix;
  date?: string;
  timeZone: string;
  frameRate: string;
  json: boolean;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  files: z
    .array(z.string().min(1))
    .min(1, "give a FILE to check")
    .max(1, "give one FILE (run loupe check once per file)"),
  spec: z
    .string()
    .refine((v) => v in SPECS, `--spec must be one of ${Object.keys(SPECS).join(", ")}`)
    .default("partner-qc"),
  mix: z.enum(MIXES as [Mix, ...Mix[]], { message: `--mix must be one of ${MIXES.join(", ")}` }).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "--date must be YYYY-MM-DD")
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "--date is not a calendar date")
    .optional(),
  "time-zone": z
    .string()
    .refine(validTimeZone, "--time-zone must be an IANA zone such as UTC or Europe/London")
    .default("UTC"),
  "frame-rate": z
    .string()
    .refine(
      (v) => parseFrameRate(v) !== undefined,
      `--frame-rate must be one of ${FRAME_RATE_NAMES.join(", ")}`,
    )
    .default(DEFAULT_FRAME_RATE),
  json: z.boolean().default(false),
});

export type ParsedCheckArgs = { help: true } | { command: CheckCommand } | { error: string };

export function parseCheckArgs(argv: string[]): ParsedCheckArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        spec: { type: "string" },
        mix: { type: "string" },
        date: { type: "string" },
        "time-zone": { type: "string" },
        "frame-rate": { type: "string" },
        json: { type: "boolean" },
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
      file: v.files[0],
      spec: v.spec,
      mix: v.mix,
      date: v.date,
      timeZone: v["time-zone"],
      frameRate: v["frame-rate"],
      json: v.json,
    },
  };
}
