/**
 * Builds the dialogue-gating test material from real (synthetic) speech: espeak-ng sentences in
 * several voices, placed at known times over music-like and effects beds made with sox, at a given
 * speech-to-bed ratio, in stereo (dialogue as a phantom centre in L and R) and 5.1 (dialogue in C,
 * bed in every channel). Writes 48 kHz 24-bit WAVs and manifest.json with the ground truth.
 *
 *   node packages/audio/scripts/make-dialogue-fixtures.ts [outDir]
 *
 * Ground truth: the active regions of the clean speech track: 10 ms frames above -50 dBFS RMS
 * (speech sits near -23 dBFS; espeak-ng's pauses are digital silence), gaps under 300 ms bridged
 * (pauses between words belong to the line, as the detector's 300 ms minimum silence has it), runs
 * under 100 ms dropped. Speech-to-bed ratio: RMS of the speech over those regions against the RMS of
 * the bed, in the channel that carries the dialogue.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { wavHeader } from "../src/io/wav-writer.ts";

export const FIXTURE_RATE = 48000;
/** bump when the material changes so cached copies are rebuilt */
export const FIXTURE_VERSION = 5;
const CLIP_SECONDS = 40;
const SPEECH_RMS_DBFS = -23;

export type Bed = "music" | "effects" | "none";

export interface Interval {
  startSeconds: number;
  endSeconds: number;
}

export interface DialogueFixture {
  name: string;
  file: string;
  channels: 2 | 6;
  bed: Bed;
  /** speech-to-bed ratio, dB; null without speech or without a bed */
  snrDb: number | null;
  /** sung: lyrics sung slowly (espeak slowed, raised, tremolo, reverb); sustained: held vowels */
  vocals: "spoken" | "sung" | "sustained" | "none";
  durationSeconds: number;
  truthIntervals: Interval[];
}

export interface FixtureManifest {
  version: number;
  fixtures: DialogueFixture[];
}

/** null when the tools are installed, else what is missing (tests skip with this message) */
export function missingFixtureTools(): string | null {
  for (const tool of ["espeak-ng", "sox"]) {
    try {
      execFileSync(tool, ["--version"], { stdio: "ignore" });
    } catch {
      return `${tool} is not installed (scripts/install-system-deps.sh installs it)`;
    }
  }
  return null;
}

/** where tests cache the material */
export function defaultFixtureDir(): string {
  return path.join(os.tmpdir(), "loupe-dialogue-fixtures", `v${FIXTURE_VERSION}`);
}

const LINES: { voice: string; speed: number; text: string }[] = [
  {
    voice: "en-us",
    speed: 160,
    text: "We have to leave before the tide comes in, or the road will be gone.",
  },
  { voice: "en-gb", speed: 150, text: "I told you already, the package never arrived at the station." },
  {
    voice: "en-us+f3",
    speed: 170,
    text: "Listen to me. Nobody goes into that building until the police arrive.",
  },
  {
    voice: "en-gb-scotland",
    speed: 145,
    text: "It was raining the whole night, and the lights went out twice.",
  },
  { voice: "en-us+m3", speed: 155, text: "Where did you put the keys? I need them right now." },
  {
    voice: "en-gb+f2",
    speed: 165,
    text: "Thank you for coming. Please sit down, this will only take a minute.",
  },
];
/** where each line starts in the clip, seconds */
const LINE_STARTS = [1.0, 7.6, 13.9, 20.8, 27.2, 33.0];

const SUNG_LYRICS = "Oh my love, the night is long and the stars are bright above the sea.";
const SUSTAINED_VOWELS = "Ah, oh, la, la, ooh, mmm, ah, oh";

/** run sox with a raw mono float output and read it back */
function soxToFloat(args: string[], scratch: string): Float32Array {
  const out = path.join(scratch, `sox-${Math.random().toString(36).slice(2)}.f32`);
  // -R: repeatable noise, so every run builds the same material
  execFileSync("sox", ["-R", ...args.map((a) => (a === "OUT" ? out : a))], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const bytes = readFileSync(out);
  rmSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
}

const RAW_OUT = [
  "-r",
  String(FIXTURE_RATE),
  "-c",
  "1",
  "-b",
  "32",
  "-e",
  "floating-point",
  "-t",
  "raw",
  "OUT",
];

function espeak(
  line: { voice: string; speed: number; text: string },
  scratch: string,
  effects: string[] = [],
): Float32Array {
  const wav = path.join(scratch, "espeak.wav");
  execFileSync("espeak-ng", ["-v", line.voice, "-s", String(line.speed), "-w", wav, line.text]);
  return trimSilence(soxToFloat([wav, ...RAW_OUT, ...effects], scratch));
}

function trimSilence(x: Float32Array): Float32Array {
  const floor = 10 ** (-60 / 20);
  let a = 0;
  while (a < x.length && Math.abs(x[a]) < floor) a++;
  let b = x.length;
  while (b > a && Math.abs(x[b - 1]) < floor) b--;
  return x.slice(a, b);
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/** the ground truth: 10 ms frames above -50 dBFS, gaps < 300 ms bridged, runs < 100 ms dropped */
export function activeRegions(speech: Float32Array, rate = FIXTURE_RATE): Interval[] {
  const frame = rate / 100;
  const threshold = 10 ** (-50 / 20);
  const runs: [number, number][] = [];
  for (let f = 0; f * frame < speech.length; f++) {
    if (rms(speech, f * frame, Math.min(speech.length, (f + 1) * frame)) <= threshold) continue;
    const last = runs[runs.length - 1];
    if (last && f - last[1] < 30) last[1] = f + 1;
    else runs.push([f, f + 1]);
  }
  return runs
    .filter(([a, b]) => b - a >= 10)
    .map(([a, b]) => ({ startSeconds: a / 100, endSeconds: b / 100 }));
}

function placeLines(lines: Float32Array[], starts: number[], length: number): Float32Array {
  const track = new Float32Array(length);
  lines.forEach((line, i) => {
    const at = Math.round(starts[i] * FIXTURE_RATE);
    // every line at the same level over its active part, as a mixer rides dialogue
    const gain = 10 ** (SPEECH_RMS_DBFS / 20) / rms(line);
    for (let j = 0; j < line.length && at + j < length; j++) track[at + j] += line[j] * gain;
  });
  return track;
}

function musicBed(length: number, scratch: string): Float32Array {
  // four chords of sawtooth triads, low-passed, with tremolo: pitched, sustained, not speech
  const chords = [
    [220, 277.18, 329.63],
    [196, 246.94, 293.66],
    [174.61, 220, 261.63],
    [196, 246.94, 329.63],
  ];
  const parts = chords.map((tones, i) =>
    soxToFloat(
      [
        "-n",
        "-r",
        String(FIXTURE_RATE),
        "-c",
        "3",
        "-b",
        "32",
        "-e",
        "floating-point",
        "-t",
        "raw",
        "OUT",
        "synth",
        "2.5",
        ...tones.flatMap((f) => ["sawtooth", String(f)]),
        "remix",
        "1-3",
        "lowpass",
        "2500",
        "tremolo",
        String(3 + i),
        "40",
        "fade",
        "q",
        "0.05",
        "2.5",
        "0.05",
      ],
      scratch,
    ),
  );
  const bass = soxToFloat(
    ["-n", ...RAW_OUT, "synth", String(CLIP_SECONDS), "pinknoise", "lowpass", "150"],
    scratch,
  );
  const bed = new Float32Array(length);
  let at = 0;
  for (let k = 0; at < length; k++) {
    const part = parts[k % parts.length];
    for (let j = 0; j < part.length && at + j < length; j++) bed[at + j] = part[j];
    at += part.length;
  }
  for (let i = 0; i < length; i++) bed[i] += 0.5 * bass[i % bass.length];
  return bed;
}

function effectsBed(length: number, scratch: string): Float32Array {
  // brown-noise rumble with white-noise bursts (doors, impacts, traffic) at irregular times
  const rumble = soxToFloat(["-n", ...RAW_OUT, "synth", String(CLIP_SECONDS), "brownnoise"], scratch);
  const hiss = soxToFloat(
    ["-n", ...RAW_OUT, "synth", String(CLIP_SECONDS), "whitenoise", "highpass", "500"],
    scratch,
  );
  const bed = new Float32Array(length);
  for (let i = 0; i < length; i++) bed[i] = 0.3 * rumble[i % rumble.length];
  let t = 0.4;
  for (let k = 0; t < length / FIXTURE_RATE; k++) {
    const dur = 0.15 + 0.35 * ((k * 7) % 5) * 0.25;
    const a = Math.round(t * FIXTURE_RATE);
    const n = Math.round(dur * FIXTURE_RATE);
    for (let j = 0; j < n && a + j < length; j++) {
      const envelope = Math.exp((-4 * j) / n);
      bed[a + j] += 0.8 * envelope * hiss[(a + j) % hiss.length];
    }
    t += 0.9 + ((k * 13) % 7) * 0.3;
  }
  return bed;
}

/** a copy of the bed delayed by `seconds` (circularly), so surround channels are not identical */
function shifted(bed: Float32Array, seconds: number): Float32Array {
  const n = Math.round(seconds * FIXTURE_RATE) % bed.length;
  const out = new Float32Array(bed.length);
  out.set(bed.subarray(bed.length - n), 0);
  out.set(bed.subarray(0, bed.length - n), n);
  return out;
}

/** 24-bit interleaved PCM straight from the channel planes (encodeWav's DataView path is ~10x slower) */
function pcm24(channels: Float32Array[]): Uint8Array {
  const frames = channels[0].length;
  const out = new Uint8Array(frames * channels.length * 3);
  let at = 0;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels.length; c++) {
      const v = Math.max(-8388608, Math.min(8388607, Math.round(channels[c][f] * 8388608)));
      out[at++] = v & 0xff;
      out[at++] = (v >> 8) & 0xff;
      out[at++] = (v >> 16) & 0xff;
    }
  }
  return out;
}

function writeMix(file: string, channels: Float32Array[]): void {
  const mask = channels.length === 6 ? 0x3f : 0x3;
  const data = pcm24(channels);
  const header = wavHeader(
    { sampleRate: FIXTURE_RATE, channels: channels.length, bitsPerSample: 24, channelMask: mask },
    data.length,
  );
  writeFileSync(file, Buffer.concat([header, data]));
}

function scaledBed(bed: Float32Array, speech: Float32Array, truth: Interval[], snrDb: number): Float32Array {
  let s = 0;
  let n = 0;
  for (const { startSeconds, endSeconds } of truth) {
    for (let i = Math.round(startSeconds * FIXTURE_RATE); i < Math.round(endSeconds * FIXTURE_RATE); i++) {
      s += speech[i] * speech[i];
      n++;
    }
  }
  const speechRms = n > 0 ? Math.sqrt(s / n) : 10 ** (SPEECH_RMS_DBFS / 20);
  const gain = speechRms / 10 ** (snrDb / 20) / rms(bed);
  return bed.map((v) => v * gain);
}

function mixChannels(speech: Float32Array, bed: Float32Array, layout: 2 | 6): Float32Array[] {
  const sum = (a: Float32Array, b: Float32Array) => a.map((v, i) => v + b[i]);
  if (layout === 2) return [sum(speech, bed), sum(speech, shifted(bed, 0.37))];
  const lfe = bed.map((v) => 0.3 * v);
  return [shifted(bed, 3.1), shifted(bed, 5.3), sum(speech, bed), lfe, shifted(bed, 9.7), shifted(bed, 13.9)];
}

export function makeDialogueFixtures(dir = defaultFixtureDir()): FixtureManifest {
  const manifestFile = path.join(dir, "manifest.json");
  if (existsSync(manifestFile)) {
    const cached = JSON.parse(readFileSync(manifestFile, "utf8")) as FixtureManifest;
    if (cached.version === FIXTURE_VERSION && cached.fixtures.every((f) => existsSync(f.file))) return cached;
  }
  mkdirSync(dir, { recursive: true });
  const scratch = path.join(dir, "scratch");
  mkdirSync(scratch, { recursive: true });
  const length = CLIP_SECONDS * FIXTURE_RATE;

  const spoken = placeLines(
    LINES.map((l) => espeak(l, scratch)),
    LINE_STARTS,
    length,
  );
  // sung-like: slow, stretched (tempo keeps pitch), raised and wobbling, with room reverb
  const sungLine = espeak({ voice: "en-us+f3", speed: 110, text: SUNG_LYRICS }, scratch, [
    "tempo",
    "0.55",
    "pitch",
    "400",
    "tremolo",
    "5.5",
    "25",
    "reverb",
    "40",
  ]);
  const sung = placeLines([sungLine, sungLine], [2.0, 21.0], length);
  // held vowels: the same voice stretched 3.3 times, so each vowel lasts 0.5 to 2 s
  const heldLine = espeak({ voice: "en-us+f3", speed: 90, text: SUSTAINED_VOWELS }, scratch, [
    "tempo",
    "0.3",
    "pitch",
    "300",
    "tremolo",
    "5.5",
    "20",
    "reverb",
    "40",
  ]);
  const held = placeLines([heldLine], [2.0], length);

  const beds: Record<Exclude<Bed, "none">, Float32Array> = {
    music: musicBed(length, scratch),
    effects: effectsBed(length, scratch),
  };
  const fixtures: DialogueFixture[] = [];
  const add = (f: Omit<DialogueFixture, "file" | "durationSeconds">, channels: Float32Array[]) => {
    const file = path.join(dir, `${f.name}.wav`);
    writeMix(file, channels);
    fixtures.push({ ...f, file, durationSeconds: CLIP_SECONDS });
  };

  const spokenTruth = activeRegions(spoken);
  for (const bed of ["music", "effects"] as const) {
    for (const snrDb of [20, 10, 0]) {
      const b = scaledBed(beds[bed], spoken, spokenTruth, snrDb);
      for (const layout of [2, 6] as const) {
        const name = `speech-${bed}-${snrDb}dB-${layout === 2 ? "stereo" : "5.1"}`;
        add(
          { name, channels: layout, bed, snrDb, vocals: "spoken", truthIntervals: spokenTruth },
          mixChannels(spoken, b, layout),
        );
      }
    }
    // the bed alone, at a plausible programme level
    const alone = scaledBed(beds[bed], spoken, spokenTruth, 6);
    const silence = new Float32Array(length);
    add(
      { name: `bed-${bed}-5.1`, channels: 6, bed, snrDb: null, vocals: "none", truthIntervals: [] },
      mixChannels(silence, alone, 6),
    );
  }
  const sungTruth = activeRegions(sung);
  for (const snrDb of [10, 0]) {
    const b = scaledBed(beds.music, sung, sungTruth, snrDb);
    add(
      {
        name: `sung-music-${snrDb}dB-stereo`,
        channels: 2,
        bed: "music",
        snrDb,
        vocals: "sung",
        truthIntervals: sungTruth,
      },
      mixChannels(sung, b, 2),
    );
  }
  const heldTruth = activeRegions(held);
  add(
    {
      name: "sustained-music-10dB-stereo",
      channels: 2,
      bed: "music",
      snrDb: 10,
      vocals: "sustained",
      truthIntervals: heldTruth,
    },
    mixChannels(held, scaledBed(beds.music, held, heldTruth, 10), 2),
  );
  add(
    {
      name: "sustained-dry-stereo",
      channels: 2,
      bed: "none",
      snrDb: null,
      vocals: "sustained",
      truthIntervals: heldTruth,
    },
    mixChannels(held, new Float32Array(length), 2),
  );
  add(
    {
      name: "sung-dry-stereo",
      channels: 2,
      bed: "none",
      snrDb: null,
      vocals: "sung",
      truthIntervals: sungTruth,
    },
    mixChannels(sung, new Float32Array(length), 2),
  );
  rmSync(scratch, { recursive: true, force: true });
  const manifest = { version: FIXTURE_VERSION, fixtures };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingFixtureTools();
  if (missing) {
    console.error(missing);
    process.exit(2);
  }
  const started = performance.now();
  const manifest = makeDialogueFixtures(
    process.argv[2] ? path.resolve(process.argv[2]) : defaultFixtureDir(),
  );
  for (const f of manifest.fixtures) console.log(f.file);
  console.log(
    `${manifest.fixtures.length} fixtures in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
