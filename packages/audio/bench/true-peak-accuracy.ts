/**
 * `npm run bench:true-peak FILE`: both true-peak filters against the exact band-limited (sinc)
 * interpolation, per channel, on a real file (by default the bench:meter noise file, the "broadband
 * content" of AUDIO.md section 2.3). Not part of `npm test`: it reads the file four times.
 *
 * The exact value is computed where the peak can be: the high-precision meter is run with its over
 * threshold 0.5 dB below its own peak; the RUNS over runs it reports (merged within 10 ms) with the
 * highest peaks get a 0.2 s window of the file each, faded at its ends and interpolated exactly at
 * 64x by FFT (src/test-support/exact-peak.ts). The largest of those is the channel's exact true
 * peak, provided the true peak is in one of those runs (the high-precision filter errs by far less
 * than the spread of the runs' peaks, as the unit tests show).
 */
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { decodeInterleaved } from "../src/engine/decode.ts";
import { type TruePeakFilterKind, TruePeakMeter } from "../src/engine/true-peak.ts";
import { openAudioFile } from "../src/io/open-audio.ts";
import { exactTruePeak } from "../src/test-support/exact-peak.ts";
import { applyFades } from "../src/test-support/signals.ts";

const { positionals } = parseArgs({ allowPositionals: true });
const file = positionals[0] ?? path.join(tmpdir(), "loupe-bench", "noise-5.1-48k-24bit-600s-R.wav");
const WINDOW_SECONDS = 0.2;
const RUNS = 8;
const FADE_SAMPLES = 256;

/** Streams the file once, handing every chunk's decoded channels to `each`. */
async function decodeAll(each: (x: Float64Array[], frames: number, offset: number) => void): Promise<void> {
  const reader = await openAudioFile(file);
  const { format } = reader;
  const enc = { sampleType: format.sampleType, bitsPerSample: format.bitsPerSample };
  const frameBytes = (format.bitsPerSample / 8) * format.channels;
  let x: Float64Array[] = [];
  let offset = 0;
  try {
    for await (const chunk of reader.chunks()) {
      const frames = chunk.byteLength / frameBytes;
      if (!x.length || x[0].length < frames)
        x = Array.from({ length: format.channels }, () => new Float64Array(frames));
      decodeInterleaved(chunk, enc, format.channels, x);
      reader.recycle(chunk);
      each(x, frames, offset);
      offset += frames;
    }
  } finally {
    await reader.close();
  }
}

function meters(kind: TruePeakFilterKind, rate: number, channels: number, thresholds: number[]) {
  return Array.from(
    { length: channels },
    (_, c) => new TruePeakMeter(kind, rate, thresholds[c], Math.round(0.01 * rate)),
  );
}

async function run(): Promise<void> {
  const probe = await openAudioFile(file);
  const { sampleRate: rate, channels, channelLayout } = probe.format;
  await probe.close();
  const labels = channelLayout ?? Array.from({ length: channels }, (_, c) => `Ch${c + 1}`);
  const db = (v: number) => 20 * Math.log10(v);
  console.log(`true-peak filters against the exact (sinc) interpolation at 64x: ${file}`);

  // pass 1: both filters' peaks
  const ref = meters("reference", rate, channels, new Array(channels).fill(10));
  const hp = meters("high-precision", rate, channels, new Array(channels).fill(10));
  await decodeAll((x, frames) => {
    for (let c = 0; c < channels; c++) {
      ref[c].push(x[c], frames);
      hp[c].push(x[c], frames);
    }
  });
  for (const m of [...ref, ...hp]) m.finish();

  // pass 2: where the high-precision stream comes within 0.5 dB of its peak
  const near = meters(
    "high-precision",
    rate,
    channels,
    hp.map((m) => m.truePeak * 10 ** (-0.5 / 20)),
  );
  await decodeAll((x, frames) => {
    for (let c = 0; c < channels; c++) near[c].push(x[c], frames);
  });
  for (const m of near) m.finish();

  // pass 3: the windows around those places, interpolated exactly
  const half = Math.round((WINDOW_SECONDS / 2) * rate);
  const windows = near.map((m) =>
    [...m.overs]
      .sort((a, b) => b.peak - a.peak)
      .slice(0, RUNS)
      .map((o) => {
        const start = Math.max(0, Math.floor(o.start) - half);
        return { start, x: new Float64Array(Math.ceil(o.end) + half - start) };
      }),
  );
  await decodeAll((x, frames, offset) => {
    for (let c = 0; c < channels; c++) {
      for (const w of windows[c]) {
        const from = Math.max(offset, w.start);
        const to = Math.min(offset + frames, w.start + w.x.length);
        if (from < to) w.x.set(x[c].subarray(from - offset, to - offset), from - w.start);
      }
    }
  });
  console.log("| channel | exact dBTP | reference error dB | high-precision error dB | windows |");
  console.log("|---|---|---|---|---|");
  let worstHp = 0;
  let worstRef = 0;
  for (let c = 0; c < channels; c++) {
    let exact = 0;
    for (const w of windows[c]) exact = Math.max(exact, exactTruePeak(applyFades(w.x, FADE_SAMPLES)));
    const eRef = db(ref[c].truePeak) - db(exact);
    const eHp = db(hp[c].truePeak) - db(exact);
    worstHp = Math.max(worstHp, Math.abs(eHp));
    worstRef = Math.max(worstRef, Math.abs(eRef));
    console.log(
      `| ${labels[c]} | ${db(exact).toFixed(3)} | ${eRef >= 0 ? "+" : ""}${eRef.toFixed(3)} | ${eHp >= 0 ? "+" : ""}${eHp.toFixed(4)} | ${windows[c].length} |`,
    );
  }
  console.log(`worst |error|: reference ${worstRef.toFixed(3)} dB, high-precision ${worstHp.toFixed(4)} dB`);
}

await run();
