/**
 * `npm run bench:meter`: loupe against ffmpeg's ebur128 filter and libebur128, in the same run, on the
 * 10-minute 5.1 48 kHz 24-bit noise-and-tremolo file of AUDIO.md section 5, then loupe's resident
 * memory on RF64 masters of 10 minutes and 2 hours (5.1, 24-bit; 6.2 GB) streamed through a pipe from
 * a generator, never written to disk.
 *
 * Options: --rounds N (default 3, interleaved, medians reported; 0 skips the speed part), --skip-memory, --memory-seconds S
 * (default 7200), --threads N (loupe's analyzer worker threads; default: the engine's own choice, the calling thread plus one worker per
 * further core, which is both the fastest and the leanest). Files and the compiled libebur128
 * driver are cached in $TMPDIR/loupe-bench. Wall and CPU times come from /usr/bin/time around each
 * process, so every tool pays its own start-up.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    "skip-memory": { type: "boolean", default: false },
    "memory-seconds": { type: "string", default: "7200" },
    threads: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const threadArgs = values.threads ? ["--threads", values.threads] : [];
const threadLabel = values.threads ? `${values.threads} worker threads` : "default threads";

const here = path.dirname(fileURLToPath(import.meta.url));
const loupeBin = path.resolve(here, "../bin/loupe.js");
const generator = path.resolve(here, "rf64-generator.ts");
const driverSource = path.resolve(here, "libebur128-driver.c");
const cache = path.join(tmpdir(), "loupe-bench");
// sox -R seeds its generators: every run and every machine measures the same file
const noiseFile = path.join(cache, "noise-5.1-48k-24bit-600s-R.wav");
const driver = path.join(cache, "libebur128-driver");
const SECONDS = 600;

function need(command: string, debianPackage: string): void {
  if (spawnSync(command, ["--version"], { stdio: "ignore" }).error) {
    console.error(
      `bench: ${command} is not installed (Debian package ${debianPackage}; see scripts/install-system-deps.sh)`,
    );
    process.exit(1);
  }
}

async function prepare(): Promise<void> {
  need("sox", "sox");
  need("ffmpeg", "ffmpeg");
  need("cc", "gcc");
  await mkdir(cache, { recursive: true });
  if (!existsSync(noiseFile)) {
    console.log(`generating ${noiseFile} (sox, AUDIO.md section 5) ...`);
    // independent generators per channel (a bare "pinknoise" would duplicate one signal to all six)
    const args = [
      "-R",
      "-n",
      "-r",
      "48000",
      "-b",
      "24",
      "-c",
      "6",
      `${noiseFile}.part.wav`,
      "synth",
      String(SECONDS),
    ];
    args.push("pinknoise", "pinknoise", "pinknoise", "brownnoise", "pinknoise", "pinknoise");
    args.push("tremolo", "0.05", "60", "gain", "-n", "-14");
    const r = spawnSync("sox", args, { stdio: "inherit" });
    if (r.status !== 0) throw new Error("sox failed");
    await import("node:fs/promises").then((fs) => fs.rename(`${noiseFile}.part.wav`, noiseFile));
  }
  if (!existsSync(driver) || statSync(driver).mtimeMs < statSync(driverSource).mtimeMs) {
    console.log(`compiling ${driver} ...`);
    const r = spawnSync("cc", ["-O2", "-o", driver, driverSource, "-lebur128", "-lsndfile", "-lm"], {
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error("cc failed: is libebur128-dev / libsndfile1-dev installed?");
  }
}

interface Timed {
  wall: number;
  cpu: number;
  maxRssMb: number;
  stdout: string;
  stderr: string;
}

const quote = (arg: string) => `'${arg.replace(/'/g, "'\\''")}'`;

/**
 * Runs argv under /usr/bin/time. With `input`, that command's stdout is piped into argv by the shell,
 * so argv reads a real pipe (as `generator | loupe measure -` does), not a Node socket pair.
 */
async function timed(argv: string[], input?: string[]): Promise<Timed> {
  const timeFile = path.join(cache, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const timedArgv = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile, ...argv];
  const child = input
    ? spawn("sh", ["-c", `${input.map(quote).join(" ")} | ${timedArgv.map(quote).join(" ")}`], {
        stdio: ["ignore", "pipe", "pipe"],
      })
    : spawn(timedArgv[0], timedArgv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const [wall, user, sys, rssKb] = (await readFile(timeFile, "utf8"))
    .trim()
    .split("\n")
    .pop()!
    .split(" ")
    .map(Number);
  await rm(timeFile, { force: true });
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${stderr.slice(-2000)}`);
  return { wall, cpu: user + sys, maxRssMb: rssKb / 1024, stdout, stderr };
}

interface Values {
  integrated: number | null;
  lra: number | null;
  truePeak: number | null;
  samplePeak: number | null;
  channelTruePeaks?: (number | null)[];
}

interface Tool {
  name: string;
  argv: string[];
  parse(run: Timed): Values;
}

const lastNumber = (text: string, label: RegExp): number | null => {
  const matches = [...text.matchAll(label)];
  return matches.length ? Number(matches.at(-1)![1]) : null;
};

function loupeTool(filter: "reference" | "high-precision"): Tool {
  return {
    name: `loupe (${threadLabel}, ${filter} TP)`,
    argv: [process.execPath, loupeBin, "measure", "--json", ...threadArgs, "--tp-filter", filter, noiseFile],
    parse(run) {
      const r = JSON.parse(run.stdout);
      return {
        integrated: r.integratedLufs,
        lra: r.loudnessRangeLu,
        truePeak: r.truePeakDbtp,
        samplePeak: r.samplePeakDbfs,
        channelTruePeaks: r.channels.map((c: { truePeakDbtp: number | null }) => c.truePeakDbtp),
      };
    },
  };
}

// the goal compares the first row (reference filter) with ffmpeg; high-precision is shown for its cost
const tools: Tool[] = [
  loupeTool("reference"),
  {
    name: "ffmpeg ebur128=peak=true",
    argv: [
      "ffmpeg",
      "-nostats",
      "-hide_banner",
      "-i",
      noiseFile,
      "-af",
      "ebur128=peak=true",
      "-f",
      "null",
      "-",
    ],
    parse(run) {
      return {
        integrated: lastNumber(run.stderr, /\bI:\s+(-?[\d.]+) LUFS/g),
        lra: lastNumber(run.stderr, /\bLRA:\s+(-?[\d.]+) LU/g),
        truePeak: lastNumber(run.stderr, /\bPeak:\s+(-?[\d.]+) dBFS/g),
        samplePeak: null,
      };
    },
  },
  {
    name: "libebur128 I+LRA+SP+TP",
    argv: [driver, noiseFile],
    parse(run) {
      const r = JSON.parse(run.stdout);
      return {
        integrated: r.integratedLufs,
        lra: r.loudnessRangeLu,
        truePeak: r.truePeakDbtp,
        samplePeak: r.samplePeakDbfs,
        channelTruePeaks: r.channels.map((c: { truePeakDbtp: number }) => c.truePeakDbtp),
      };
    },
  },
  loupeTool("high-precision"),
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined ? "-" : v.toFixed(digits);

async function speed(): Promise<void> {
  const runs = new Map<string, Timed[]>(tools.map((t) => [t.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const tool of tools) {
      process.stdout.write(`round ${round}/${rounds}: ${tool.name} ... `);
      const run = await timed(tool.argv);
      runs.get(tool.name)!.push(run);
      console.log(`${run.wall.toFixed(2)} s`);
    }
  }
  const summary = tools.map((tool) => {
    const rs = runs.get(tool.name)!;
    return {
      tool,
      wall: median(rs.map((r) => r.wall)),
      wallMin: Math.min(...rs.map((r) => r.wall)),
      cpu: median(rs.map((r) => r.cpu)),
      rss: Math.max(...rs.map((r) => r.maxRssMb)),
      values: tool.parse(rs.at(-1)!),
    };
  });
  const ffmpeg = summary[1].wall;
  const libebur128 = summary[2].wall;
  console.log(
    `\n10-minute 5.1 48 kHz 24-bit file (${noiseFile}), ${rounds} rounds, medians; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(
    "| tool | wall s (min) | CPU s | CPU/wall | x realtime | speed vs ffmpeg | speed vs libebur128 | max RSS MB |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const s of summary) {
    console.log(
      `| ${s.tool.name} | ${s.wall.toFixed(2)} (${s.wallMin.toFixed(2)}) | ${s.cpu.toFixed(2)} | ${(s.cpu / s.wall).toFixed(2)} | ${(SECONDS / s.wall).toFixed(0)}x | ${(ffmpeg / s.wall).toFixed(2)}x | ${(libebur128 / s.wall).toFixed(2)}x | ${s.rss.toFixed(0)} |`,
    );
  }
  console.log("\nMeasured values (ffmpeg prints 0.1 dB and labels true peak dBFS)");
  console.log("| tool | I LUFS | LRA LU | TP dBTP | SP dBFS | TP per channel L R C LFE Ls Rs |");
  console.log("|---|---|---|---|---|---|");
  for (const s of summary) {
    const v = s.values;
    console.log(
      `| ${s.tool.name} | ${fmt(v.integrated)} | ${fmt(v.lra)} | ${fmt(v.truePeak)} | ${fmt(v.samplePeak)} | ${v.channelTruePeaks?.map((x) => fmt(x)).join(" ") ?? "-"} |`,
    );
  }
}

async function memory(): Promise<void> {
  const long = Number(values["memory-seconds"]);
  console.log(
    `\nResident memory: RF64 5.1 48 kHz 24-bit from a generator through a pipe into \`loupe measure -${values.threads ? ` --threads ${values.threads}` : ""}\``,
  );
  console.log("| length | bytes | wall s | x realtime | loupe max RSS MB | I LUFS | TP dBTP |");
  console.log("|---|---|---|---|---|---|---|");
  for (const seconds of [600, long]) {
    const run = await timed(
      [process.execPath, loupeBin, "measure", "-", "--json", ...threadArgs],
      [process.execPath, generator, "--seconds", String(seconds)],
    );
    const r = JSON.parse(run.stdout);
    if (Math.abs(r.durationSeconds - seconds) > 1e-6)
      throw new Error(`measured ${r.durationSeconds} s of ${seconds} s`);
    const bytes = seconds * 48000 * 18;
    console.log(
      `| ${(seconds / 60).toFixed(0)} min | ${(bytes / 1e9).toFixed(2)} GB | ${run.wall.toFixed(1)} | ${(seconds / run.wall).toFixed(0)}x | ${run.maxRssMb.toFixed(0)} | ${fmt(r.integratedLufs)} | ${fmt(r.truePeakDbtp)} |`,
    );
  }
}

await prepare();
if (rounds > 0) await speed();
if (!values["skip-memory"]) await memory();
