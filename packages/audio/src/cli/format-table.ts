/** The human-readable summary `loupe measure` prints per file, like a loudness meter's report. */
import type { MeasurementResult } from "../types.ts";

/** Overs listed in the table; --json always has all of them. */
const MAX_OVERS_SHOWN = 20;

const level = (value: number | null | undefined, unit: string) =>
  value === null || value === undefined ? `-inf ${unit}` : `${value.toFixed(1)} ${unit}`;

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${s.toFixed(3).padStart(6, "0")}`;
}

const LAYOUT_SOURCES: Record<MeasurementResult["format"]["layoutSource"], string> = {
  "channel-mask": "from the channel mask",
  "standard-order": "standard order assumed",
  user: "from --layout",
  container: "from the container",
};

const TIMECODE_ORIGINS: Record<MeasurementResult["format"]["timecodeOrigin"], string> = {
  bwf: "BWF time reference",
  "container-timecode": "the file's timecode track",
  zero: "no timecode in the file",
};

export function formatTable(r: MeasurementResult, overThresholdDbtp: number): string {
  const f = r.format;
  const rows: [string, string][] = [
    [
      "Format",
      `${f.container} ${f.codec}, ${f.sampleRate} Hz, ${f.bitDepth}-bit, ${f.channels} ch (${f.channelLayout.join(" ")}; ${LAYOUT_SOURCES[f.layoutSource]})${r.dualMono ? ", measured as dual mono" : ""}`,
    ],
    ["Duration", duration(r.durationSeconds)],
    ["Start", `${f.startTimecode} (${f.frameRate}; ${TIMECODE_ORIGINS[f.timecodeOrigin]})`],
    ["Integrated", level(r.integratedLufs, "LUFS")],
    ["Loudness range", r.loudnessRangeLu === null ? "-" : `${r.loudnessRangeLu.toFixed(1)} LU`],
    ["Max momentary", level(r.maxMomentaryLufs, "LUFS")],
    ["Max short-term", level(r.maxShortTermLufs, "LUFS")],
    ["True peak", `${level(r.truePeakDbtp, "dBTP")} (${r.truePeakFilter} filter)`],
    ["Sample peak", level(r.samplePeakDbfs, "dBFS")],
  ];
  if (r.speechPercent !== undefined) {
    rows.push([
      "Dialogue-gated",
      `${level(r.dialogueGatedLufs, "LUFS")} (speech ${r.speechPercent.toFixed(0)} %; open approximation of Dolby DI)`,
    ]);
  }
  const labelWidth = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = [r.file, ...rows.map(([k, v]) => `  ${k.padEnd(labelWidth)}${v}`)];

  const chWidth = Math.max(7, ...r.channels.map((c) => c.label.length)) + 2;
  lines.push("", `  ${"Channel".padEnd(chWidth)}${"True peak".padStart(11)}  ${"Sample peak".padStart(11)}`);
  for (const c of r.channels) {
    lines.push(
      `  ${c.label.padEnd(chWidth)}${level(c.truePeakDbtp, "dBTP").padStart(11)}  ${level(c.samplePeakDbfs, "dBFS").padStart(11)}`,
    );
  }

  const threshold = `${overThresholdDbtp.toFixed(1)} dBTP`;
  if (r.truePeakOvers.length === 0) {
    lines.push("", `  True-peak overs above ${threshold}: none`);
  } else {
    lines.push("", `  True-peak overs above ${threshold}: ${r.truePeakOvers.length}`);
    lines.push(`  ${"Channel".padEnd(chWidth)}${"In".padEnd(13)}${"Out".padEnd(13)}${"Peak".padStart(10)}`);
    for (const o of r.truePeakOvers.slice(0, MAX_OVERS_SHOWN)) {
      lines.push(
        `  ${o.channel.padEnd(chWidth)}${o.startTimecode.padEnd(13)}${o.endTimecode.padEnd(13)}${level(o.peakDbtp, "dBTP").padStart(10)}`,
      );
    }
    const more = r.truePeakOvers.length - MAX_OVERS_SHOWN;
    if (more > 0) lines.push(`  ... and ${more} more (--json lists them all)`);
  }
  return lines.join("\n");
}
