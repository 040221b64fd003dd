/** A one-line progress bar on stderr, only on a terminal and only for inputs long enough to wait for. */
import type { MeasureProgress } from "../measure.ts";

/** Below this duration (or this many bytes for inputs of unknown length) a bar would only flicker. */
const MIN_SECONDS = 120;
const MIN_BYTES = 64 * 1024 * 1024;
const REDRAW_MS = 200;
const WIDTH = 30;

export interface ProgressBar {
  update(progress: MeasureProgress): void;
  clear(): void;
}

export function progressBar(name: string): ProgressBar {
  const stream = process.stderr;
  if (!stream.isTTY) return { update() {}, clear() {} };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const long = p.totalFrames ? p.totalFrames / p.sampleRate >= MIN_SECONDS : p.bytes >= MIN_BYTES;
      const now = Date.now();
      if (!long || now - last < REDRAW_MS) return;
      last = now;
      shown = true;
      let text: string;
      if (p.fraction !== undefined) {
        const filled = Math.round(p.fraction * WIDTH);
        text = `[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)} %`;
      } else {
        text = `${(p.bytes / 1e6).toFixed(0)} MB`;
      }
      stream.write(`\r\x1b[K${text}  ${name}`);
    },
    clear() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}
