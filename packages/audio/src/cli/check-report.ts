/**
 * The text `loupe check` prints: verdict, spec version, measurements used, loudness steps, flags.
 */
import type { LoudnessStep, Verdict } from "../specs/index.ts";
import type { MeasurementResult } from "../types.ts";

const lkfs = (v: number | null) => (v === null ? "--" : `${v.toFixed(1)} LKFS`);

function stepLine(s: LoudnessStep, decided: boolean): string {
  const name = s.measurement === "dialogue-gated" ? "dialogue-gated" : "full programme";
  const result = s.passed ? "pass" : "fail";
  const note = s.note ? `  (${s.note})` : "";
  const mark = decided ? "  <- decides" : "";
  return `  step ${s.step}  ${name.padEnd(15)} ${lkfs(s.roundedLkfs).padEnd(12)} target ${s.targetLkfs} +/-${s.toleranceLu} LU  ${result}${mark}${note}`;
}

export function formatVerdict(file: string, verdict: Verdict, m: MeasurementResult): string {
  const lines: string[] = [];
  const v = verdict;
  lines.push(`${file}`);
  lines.push(`  verdict   ${v.result === "pass" ? "PASS" : "FLAGGED"}`);
  lines.push(
    `  spec      ${v.spec.id} v${v.spec.version} (${v.spec.name}; in force from ${v.spec.effectiveFrom}; judged for ${v.date} ${v.timeZone})`,
  );
  lines.push(`  mix       ${v.mix}`);
  lines.push("");
  lines.push("Measurements used");
  const speech =
    m.speechPercent === undefined ? "" : `, speech ${m.speechPercent.toFixed(1)} % of the programme`;
  lines.push(
    `  dialogue-gated loudness  ${lkfs(m.dialogueGatedLufs ?? null)}${speech}  (an open approximation of Dolby Dialogue Intelligence)`,
  );
  lines.push(`  full-programme loudness  ${lkfs(m.integratedLufs)}  (BS.1770-4 integrated, gated)`);
  const tp = v.truePeak.roundedDbtp === null ? "--" : `${v.truePeak.roundedDbtp.toFixed(1)} dBTP`;
  lines.push(
    `  true peak                ${tp}  (max over all channels of true and sample peak, ${m.truePeakFilter} filter)`,
  );
  lines.push("");
  if (v.loudness.checked) {
    lines.push(`Loudness (${v.spec.procedure})`);
    for (const s of v.loudness.steps) lines.push(stepLine(s, s.measurement === v.loudness.decidedBy));
  } else lines.push(`Loudness  not checked for ${v.mix} mixes`);
  lines.push(
    `True peak  ${tp}, flagged above ${v.truePeak.maxDbtp.toFixed(1)} dBTP: ${v.truePeak.passed ? "pass" : "fail"}`,
  );
  lines.push("");
  if (v.flags.length === 0) lines.push("Flags  none");
  else {
    lines.push("Flags");
    for (const f of v.flags) {
      lines.push(`  [${f.code}] ${f.severity}  ${f.description}`);
      for (const o of f.overs ?? []) {
        lines.push(
          `      ${o.channel.padEnd(4)} ${o.startTimecode} - ${o.endTimecode}  ${o.peakDbtp.toFixed(2)} dBTP`,
        );
      }
    }
  }
  return lines.join("\n");
}
