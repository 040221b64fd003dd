/**
 * The full two-step check (`loupe check`: meter + Silero speech detection, one pass over the file,
 * worker threads) against the meter alone (`loupe measure`), on the 10-minute 5.1 48 kHz 24-bit
 * noise-and-tremolo file of AUDIO.md section 5 (shared with meter-bench.ts in $TMPDIR/loupe-bench).
 * Also times the speech detector alone, in-process, and reports how many 32 ms windows it gave the model.
 *
 *   node packages/audio/bench/check-bench.ts [--rounds N] [--threads N]
 *
 * Wall and CPU times come from /usr/bin/time around each process (start-up included); rounds are
 * interleaved and medians reported. Goal: the check at >= 100x realtime on 2 cores.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createSpeechDetector } from "../src/dialogue/index.ts";
import { openAudioFile } from "../src/io/open-audio.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
  },
});
const rounds = Number(values.rounds);
const here = path.dirname(fileURLToPath(import.meta.url));
const loupeBin = path.resolve(here, "../bin/loupe.js");
const cache = path.join(tmpdir(), "loupe-bench");
// the same file meter-bench.ts makes and uses
const benchFile = path.join(cache, "noise-5.1-48k-24bit-600s.wav");
const SECONDS = 600;

async function ensureBenchFile(): Promise<void> {
  if (existsSync(benchFile)) return;
  if (spawnSync("sox", ["--version"], { stdio: "ignore" }).error) {
    console.error("check-bench: sox is not installed (see scripts/install-system-deps.sh)");
    process.exit(1);
  }
  await mkdir(cache, { recursive: true });
  console.log(`generating ${benchFile} (sox, AUDIO.md section 5) ...`);
  const part = `${benchFile}.check-${process.pid}.wav`;
  const args = ["-n", "-r", "48000", "-b", "24", "-c", "6", part, "synth", String(SECONDS)];
  args.push("pinknoise", "pinknoise", "pinknoise", "brownnoise", "pinknoise", "pinknoise");
  args.push("tremolo", "0.05", "60", "gain", "-n", "-14");
  if (spawnSync("sox", args, { stdio: "inherit" }).status !== 0) throw new Error("sox failed");
  await rename(part, benchFile);
}

interface Timed {
  wall: number;
  cpu: number;
  stdout: string;
}

async function timed(argv: string[]): Promise<Timed> {
  const timeFile = path.join(cache, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const child = spawn("/usr/bin/time", ["-f", "%e %U %S", "-o", timeFile, ...argv], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const [wall, user, sys] = (await readFile(timeFile, "utf8"))
    .trim()
    .split("\n")
    .pop()!
    .split(" ")
    .map(Number);
  await rm(timeFile, { force: true });
  // loupe check exits 1 when the file is flagged: that is a verdict, not a failure
  if (code !== 0 && code !== 1) throw new Error(`${argv.join(" ")} exited ${code}: ${stderr.slice(-2000)}`);
  return { wall, cpu: user + sys, stdout };
}

/** the speech detector alone on this thread's reader: worker + resampler + Silero */
async function speechOnly(): Promise<{ wall: number; windows: number; modelWindows: number }> {
  const started = performance.now();
  const reader = await openAudioFile(benchFile);
  const detector = createSpeechDetector(reader.format);
  for await (const chunk of reader.chunks()) await detector.push(chunk);
  await detector.finish();
  await reader.close();
  const wall = (performance.now() - started) / 1000;
  return { wall, windows: detector.stats?.windows ?? 0, modelWindows: detector.stats?.modelWindows ?? 0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

await ensureBenchFile();
const configs = [
  {
    name: `meter only: loupe measure --threads ${values.threads}`,
    argv: [process.execPath, loupeBin, "measure", "--json", "--threads", values.threads, benchFile],
  },
  {
    name: "full check: loupe check --spec partner-qc (meter + speech detection)",
    argv: [process.execPath, loupeBin, "check", "--json", "--date", "2021-03-01", benchFile],
  },
];
const runs = configs.map(() => [] as Timed[]);
const speech: { wall: number; windows: number; modelWindows: number }[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const [i, config] of configs.entries()) {
    process.stdout.write(`round ${round}/${rounds}: ${config.name} ... `);
    const run = await timed(config.argv);
    runs[i].push(run);
    console.log(`${run.wall.toFixed(2)} s`);
  }
  process.stdout.write(`round ${round}/${rounds}: speech detector alone (in-process) ... `);
  const s = await speechOnly();
  speech.push(s);
  console.log(`${s.wall.toFixed(2)} s`);
}

const check = JSON.parse(runs[1].at(-1)!.stdout);
console.log(
  `\n10-minute 5.1 48 kHz 24-bit file (${benchFile}), ${rounds} rounds, medians; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log("| run | wall s (min) | CPU s | x realtime |");
console.log("|---|---|---|---|");
for (const [i, config] of configs.entries()) {
  const wall = median(runs[i].map((r) => r.wall));
  const min = Math.min(...runs[i].map((r) => r.wall));
  const cpu = median(runs[i].map((r) => r.cpu));
  console.log(
    `| ${config.name} | ${wall.toFixed(2)} (${min.toFixed(2)}) | ${cpu.toFixed(2)} | ${(SECONDS / wall).toFixed(0)}x |`,
  );
}
const speechWall = median(speech.map((s) => s.wall));
console.log(
  `| speech detector alone (worker, in-process reader) | ${speechWall.toFixed(2)} | - | ${(SECONDS / speechWall).toFixed(0)}x |`,
);
const s = speech.at(-1)!;
console.log(
  `\nSilero windows: ${s.windows} in the programme, ${s.modelWindows} run by the model (warm-up included, ${((100 * s.modelWindows) / s.windows).toFixed(0)} %)`,
);
console.log(
  `check verdict: ${check.verdict.result}; dialogue-gated ${check.measurement.dialogueGatedLufs}, speech ${check.measurement.speechPercent} %, integrated ${check.measurement.integratedLufs}`,
);
