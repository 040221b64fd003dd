/** --series: momentary and short-term loudness at every 100 ms step end, as CSV. */
import { createWriteStream } from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";

const cell = (v: number) =>
  Number.isNaN(v) ? "" : Number.isFinite(v) ? v.toFixed(2) : v > 0 ? "inf" : "-inf";

/** With several input files each gets its own CSV: "series.csv" + "mix.wav" -> "series.mix.csv". */
export function seriesPath(out: string, file: string, several: boolean): string {
  if (!several) return out;
  const ext = path.extname(out);
  const base = file === "-" ? "stdin" : path.basename(file, path.extname(file));
  return `${out.slice(0, out.length - ext.length)}.${base}${ext || ".csv"}`;
}

export async function writeSeriesCsv(
  out: string,
  momentary: Float64Array,
  shortTerm: Float64Array,
): Promise<void> {
  const stream = createWriteStream(out);
  const failed = new Promise<never>((_, reject) => stream.once("error", reject));
  failed.catch(() => {});
  const write = (text: string) =>
    stream.write(text) ? undefined : new Promise<void>((r) => stream.once("drain", () => r()));
  await Promise.race([write("time_s,momentary_lufs,short_term_lufs\n"), failed]);
  const rows = Math.max(momentary.length, shortTerm.length);
  let batch = "";
  for (let j = 0; j < rows; j++) {
    batch += `${((j + 1) / 10).toFixed(1)},${cell(momentary[j] ?? Number.NaN)},${cell(shortTerm[j] ?? Number.NaN)}\n`;
    if (batch.length > 65536) {
      await Promise.race([write(batch), failed]);
      batch = "";
    }
  }
  stream.end(batch);
  await Promise.race([finished(stream), failed]);
}
