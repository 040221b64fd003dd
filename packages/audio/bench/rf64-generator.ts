/**
 * Writes an RF64 (ds64) 24-bit WAV of pseudo-random noise to stdout, of any length, without touching
 * the disk: the benchmark pipes a 2-hour 5.1 master (6.2 GB) through `loupe measure -`.
 * Sixteen one-second blocks of independent noise per channel, each at its own level (-14 to -29 dBFS),
 * are precomputed and played in a pseudo-random order, so generating costs little more than a copy and
 * the meter gets material with a loudness range and peaks that move.
 * Usage: node rf64-generator.ts [--seconds 7200] [--channels 6] [--rate 48000]
 */
import { once } from "node:events";
import { parseArgs } from "node:util";
import { encodePcm, type WavWriteOptions, wavHeader } from "../src/io/wav-writer.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "7200" },
    channels: { type: "string", default: "6" },
    rate: { type: "string", default: "48000" },
  },
});
const seconds = Number(values.seconds);
const channels = Number(values.channels);
const sampleRate = Number(values.rate);
const format: WavWriteOptions = {
  sampleRate,
  channels,
  bitsPerSample: 24,
  rf64: true,
  channelMask: channels === 6 ? 0x3f : undefined,
};

/** xorshift32: fast, deterministic, good enough for noise */
let state = 0x9e3779b9;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
}

const BLOCKS = 16;
const blocks: Uint8Array[] = [];
for (let b = 0; b < BLOCKS; b++) {
  const gain = 10 ** ((-14 - ((b * 7) % BLOCKS)) / 20);
  const samples = new Float64Array(sampleRate * channels);
  const lowpass = new Float64Array(channels);
  for (let i = 0; i < sampleRate; i++) {
    for (let c = 0; c < channels; c++) {
      // white noise through a one-pole low-pass: a darker, more programme-like spectrum
      lowpass[c] = 0.7 * lowpass[c] + 0.3 * (random() * 2 - 1);
      samples[i * channels + c] = gain * 0.8 * lowpass[c];
    }
  }
  blocks.push(encodePcm(samples, format));
}

const out = process.stdout;
out.on("error", () => process.exit(0)); // the reader went away: nothing left to do
const dataBytes = seconds * sampleRate * channels * 3;
out.write(wavHeader(format, dataBytes));
for (let s = 0; s < seconds; s++) {
  if (!out.write(blocks[Math.floor(random() * BLOCKS)])) await once(out, "drain");
}
out.end();
